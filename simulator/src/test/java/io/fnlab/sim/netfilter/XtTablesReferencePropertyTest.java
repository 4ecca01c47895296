package io.fnlab.sim.netfilter;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.MarkMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.targets.Goto;
import io.fnlab.model.netfilter.targets.Jump;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.netfilter.targets.Verdict;
import io.fnlab.sim.skb.SkBuff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random chain structures (jumps, gotos, RETURNs, marks, verdicts) walked by XtTables and by a
 * straightforward recursive interpreter over the model records: verdict, final mark and every
 * rule's packet counter must agree.
 */
class XtTablesReferencePropertyTest {
    static final String[] ADDRS = {"10.96.0.1", "10.96.0.2", "10.96.0.3", "10.96.0.4"};
    /** The packet's destination, for the reference interpreter. */
    static final String[] daddr = {null};

    @Property(tries = 300)
    void walkerAgreesWithAReferenceInterpreter(@ForAll long seed) {
        Random rnd = new Random(seed);
        int nChains = 1 + rnd.nextInt(6);
        List<Chain> chains = new ArrayList<>();
        for (int ci = 0; ci < nChains; ci++) {
            List<Rule> rules = new ArrayList<>();
            int n = rnd.nextBoolean() ? rnd.nextInt(7) : rnd.nextInt(25);
            for (int ri = 0; ri < n; ri++) rules.add(randomRule(rnd, ci, nChains));
            String name = ci == 0 ? "INPUT" : "C" + ci;
            Chain.Policy p = ci == 0 ? (rnd.nextBoolean() ? Chain.Policy.ACCEPT : Chain.Policy.DROP) : null;
            chains.add(new Chain(name, p, null, rules));
        }
        Ruleset rs = new Ruleset(Map.of(TableName.FILTER, new Table(TableName.FILTER, chains)));
        XtTables x = XtTables.build(rs);
        long[][] counts = new long[nChains][25];
        FakeXtContext ctx = new FakeXtContext();
        ctx.tracing = rnd.nextBoolean();
        for (int k = 0; k < 16; k++) {
            long mark = rnd.nextInt(16);
            SkBuff skb = SkBuff.tcp(io.fnlab.model.net.Ipv4.parse("10.0.0.1"), 1, io.fnlab.model.net.Ipv4.parse("10.0.0.2"), 2, 2);
            skb.mark = mark;
            skb.daddr = Ipv4.parse(ADDRS[rnd.nextInt(ADDRS.length)]).bits();
            NfVerdict got = x.walk(TableName.FILTER, Hook.INPUT, skb, new HookState(Hook.INPUT, "eth0", null), ctx);
            long[] ref = {mark};
            daddr[0] = skb.dst().toString();
            NfVerdict want = run(chains, 0, ref, counts);
            if (want == null) want = chains.get(0).policy() == Chain.Policy.DROP ? NfVerdict.DROP : NfVerdict.ACCEPT;
            assertEquals(want, got, "verdict for mark " + mark + " in " + chains);
            assertEquals(ref[0], skb.mark, "mark for mark " + mark + " in " + chains);
        }
        for (int ci = 0; ci < nChains; ci++)
            for (int ri = 0; ri < chains.get(ci).rules().size(); ri++)
                assertEquals(counts[ci][ri], x.counters(TableName.FILTER, chains.get(ci).name(), ri + 1).packets(),
                        "counter of " + chains.get(ci).name() + " rule " + (ri + 1));
    }

    private static Rule randomRule(Random rnd, int ci, int nChains) {
        List<Match> ms = new ArrayList<>();
        // mostly "-d ADDR/32" so that long chains get DstRun indexes
        if (rnd.nextInt(10) < 8) ms.add(new AddrMatch(AddrMatch.Direction.DST, Prefix.parse(ADDRS[rnd.nextInt(3)]), false));
        int nm = rnd.nextInt(3);
        for (int i = 0; i < nm; i++) {
            long bit = 1L << rnd.nextInt(4);
            ms.add(new MarkMatch(rnd.nextBoolean() ? bit : 0, bit, rnd.nextBoolean()));
        }
        Target t;
        int k = rnd.nextInt(10);
        boolean canJump = ci + 1 < nChains;
        if ((k == 7 || k == 8) && !canJump) k = 5;
        t = switch (k) {
            case 0 -> null;
            case 1 -> Verdict.ACCEPT;
            case 2 -> Verdict.DROP;
            case 3 -> Verdict.RETURN;
            case 4 -> new Mark(1L << rnd.nextInt(4), 0, "--xor-mark");
            case 5 -> {
                long b = 1L << rnd.nextInt(4);
                yield new Mark(b, b, "--or-mark");
            }
            case 6 -> new Mark(rnd.nextInt(16), 0xffffffffL, "--set-mark");
            case 7 -> new Jump("C" + (ci + 1 + rnd.nextInt(nChains - ci - 1)));
            case 8 -> new Goto("C" + (ci + 1 + rnd.nextInt(nChains - ci - 1)));
            default -> new Mark(0, 1L << rnd.nextInt(4), "--and-mark");
        };
        return new Rule(ms, t, null, null);
    }

    /** The reference: a RETURN (or the end) yields null; a goto is a tail call. */
    private static NfVerdict run(List<Chain> chains, int ci, long[] mark, long[][] counts) {
        List<Rule> rules = chains.get(ci).rules();
        for (int ri = 0; ri < rules.size(); ri++) {
            Rule r = rules.get(ri);
            boolean all = true;
            for (Match m : r.matches()) {
                if (m instanceof MarkMatch mm) all &= mm.matches(mark[0]);
                else all &= ((AddrMatch) m).prefix().contains(Ipv4.parse(daddr[0]));
            }
            if (!all) continue;
            counts[ci][ri]++;
            Target t = r.target();
            if (t == null) continue;
            if (t instanceof Verdict v) {
                switch (v.kind()) {
                    case ACCEPT: return NfVerdict.ACCEPT;
                    case DROP: return NfVerdict.DROP;
                    default: return null;
                }
            }
            if (t instanceof Mark m) {
                mark[0] = m.apply(mark[0]);
                continue;
            }
            if (t instanceof Jump j) {
                NfVerdict v = run(chains, index(chains, j.chain()), mark, counts);
                if (v != null) return v;
                continue;
            }
            if (t instanceof Goto g) return run(chains, index(chains, g.chain()), mark, counts);
        }
        return null;
    }

    private static int index(List<Chain> chains, String name) {
        for (int i = 0; i < chains.size(); i++) if (chains.get(i).name().equals(name)) return i;
        throw new AssertionError(name);
    }
}
