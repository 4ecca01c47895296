package io.fnlab.sim;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.IfaceMatch;
import io.fnlab.model.netfilter.match.MarkMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.match.UdpMatch;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Jump;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.Notrack;
import io.fnlab.model.netfilter.targets.Redirect;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.netfilter.targets.Verdict;
import io.fnlab.sim.host.TableWalker;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.netfilter.XtContext;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import java.util.HashMap;
import java.util.Map;

/**
 * A test double for the netfilter helper's walker: a few matches, the standard verdicts, jumps,
 * MARK, NOTRACK and the NAT targets (terminal, as in the kernel). It counts its calls per table and hook.
 */
public final class MiniWalker implements TableWalker {
    public final Map<String, Integer> calls = new HashMap<>();
    public final Map<String, Integer> ruleHits = new HashMap<>();

    @Override
    public NfVerdict walk(Table table, Hook hook, SkBuff skb, HookState state, XtContext ctx) {
        calls.merge(table.name().label() + "/" + hook, 1, Integer::sum);
        Chain c = table.chain(hook.name()).orElseThrow();
        NfVerdict v = chain(table, c, skb, state, ctx);
        if (v != null) return v;
        if (ctx.tracer().on()) ctx.tracer().step(new Step.PolicyApplied(table.name().label(), c.name(), c.policy().name()));
        return c.policy() == Chain.Policy.DROP ? NfVerdict.DROP : NfVerdict.ACCEPT;
    }

    /** null = fell off the end (or RETURN). */
    private NfVerdict chain(Table table, Chain c, SkBuff skb, HookState state, XtContext ctx) {
        int i = 0;
        for (Rule r : c.rules()) {
            i++;
            boolean all = true;
            for (Match m : r.matches()) all &= matches(m, skb, state);
            if (!all) continue;
            ruleHits.merge(table.name().label() + "/" + c.name() + "/" + i, 1, Integer::sum);
            Target t = r.target();
            if (ctx.tracer().on())
                ctx.tracer().step(new Step.RuleMatched(table.name().label(), c.name(), i, String.valueOf(t), r.source(), t == null ? "" : t.name()));
            if (t == null) continue;
            if (t instanceof Verdict vd) {
                switch (vd.kind()) {
                    case ACCEPT: return NfVerdict.ACCEPT;
                    case DROP: return NfVerdict.DROP;
                    default: return null;
                }
            }
            if (t instanceof Jump j) {
                NfVerdict v = chain(table, table.chain(j.chain()).orElseThrow(), skb, state, ctx);
                if (v != null) return v;
                continue;
            }
            if (t instanceof io.fnlab.model.netfilter.targets.Reject rj) {
                ctx.reject(rj.with(), skb, state);
                return NfVerdict.DROP;
            }
            if (t instanceof Mark mk) { skb.mark = mk.apply(skb.mark); continue; }
            if (t instanceof Notrack) { ctx.conntrack().untrack(skb); continue; }
            if (t instanceof Dnat || t instanceof Snat || t instanceof Masquerade || t instanceof Redirect)
                return ctx.natTarget(t, skb, state);
        }
        return null;
    }

    private static boolean matches(Match m, SkBuff skb, HookState st) {
        if (m instanceof ProtoMatch p) return (p.protocol().number() == skb.protocol) != p.negated();
        if (m instanceof AddrMatch a)
            return a.prefix().contains(new Ipv4(a.dir() == AddrMatch.Direction.SRC ? skb.saddr : skb.daddr)) != a.negated();
        if (m instanceof IfaceMatch f)
            return f.name().equals(f.dir() == IfaceMatch.Direction.IN ? st.in() : st.out()) != f.negated();
        if (m instanceof MarkMatch mm) return ((skb.mark & mm.mask()) == mm.value()) != mm.negated();
        if (m instanceof TcpMatch t)
            return skb.isTcp() && (t.dport() == null || t.dport().range().contains(skb.dport) != t.dport().negated());
        if (m instanceof UdpMatch u)
            return skb.isUdp() && (u.dport() == null || u.dport().range().contains(skb.dport) != u.dport().negated());
        throw new IllegalArgumentException("MiniWalker does not evaluate " + m);
    }
}
