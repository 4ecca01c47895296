package io.fnlab.sim.verify;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.MarkMatch;
import io.fnlab.model.netfilter.targets.Connmark;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;

/**
 * Packet marks (skb->mark) that are matched but never set by a rule that runs, or set but never
 * matched. kube-proxy's fullnat hinges on one: KUBE-MARK-MASQ sets 0x4000 and KUBE-POSTROUTING
 * MASQUERADEs what carries it; if the setting rule never runs, nothing is masqueraded.
 */
public final class MarkCheck implements Check {
    public String id() {
        return "mark-flow";
    }

    public String description() {
        return "marks matched but never set by a reachable rule, or set but never matched";
    }

    private record Site(String chain, Rule rule, boolean reachable) {}

    public List<Finding> run(Scenario s) {
        List<Finding> out = new ArrayList<>();
        for (Host h : s.hosts()) {
            List<Site> setters = new ArrayList<>();
            List<Site> matchers = new ArrayList<>();
            List<Long> matchMasks = new ArrayList<>();
            long restoredBits = 0;
            for (Table t : h.config().iptables().tables().values()) {
                ChainGraph g = new ChainGraph(t);
                for (Chain c : t.chains()) {
                    boolean reach = g.reachable(c.name());
                    for (Rule r : c.rules()) {
                        if (r.target() instanceof Mark) setters.add(new Site(c.name(), r, reach));
                        if (r.target() instanceof Connmark cm && cm.mode() == Connmark.Mode.RESTORE && reach)
                            restoredBits |= cm.nfmask();
                        for (Match m : r.matches()) {
                            if (m instanceof MarkMatch mm && mm.mask() != 0) {
                                matchers.add(new Site(c.name(), r, reach));
                                matchMasks.add(mm.mask());
                            }
                        }
                    }
                }
            }
            long reachableSetBits = restoredBits;
            for (Site st : setters) if (st.reachable) reachableSetBits |= bits((Mark) st.rule.target());
            for (int i = 0; i < matchers.size(); i++) {
                Site m = matchers.get(i);
                if (!m.reachable) continue;
                MarkMatch mm = markMatch(m.rule);
                if (mm.value() == 0 && !mm.negated()) continue; // tests for "unmarked": fine without setters
                if ((matchMasks.get(i) & reachableSetBits) != 0) continue;
                List<Evidence> ev = new ArrayList<>();
                ev.add(new Evidence.Config(h.name(), RuleText.of(m.chain, m.rule), m.rule.source()));
                String why = "no rule that runs sets these bits";
                for (Site st : setters) {
                    if ((bits((Mark) st.rule.target()) & mm.mask()) == 0) continue;
                    ev.add(new Evidence.Config(h.name(), RuleText.of(st.chain, st.rule), st.rule.source()));
                    why = "the MARK rule that would set it is in chain " + st.chain + ", which never sees a packet";
                }
                // A DROP/REJECT that never fires lets traffic through (a hole, not an outage);
                // anything else that never fires, or a negated match that always does, breaks the path.
                boolean protective = !mm.negated() && m.rule.target() != null
                        && ("DROP".equals(m.rule.target().name()) || "REJECT".equals(m.rule.target().name()));
                out.add(new Finding(id(), protective ? Severity.WARNING : Severity.ERROR, h.name(),
                        "mark 0x" + Long.toHexString(mm.value()) + "/0x" + Long.toHexString(mm.mask()) + " is matched in "
                                + m.chain + " but never set: " + why,
                        "xt_mark compares skb->mark, which starts at 0 for every packet; only a MARK (or CONNMARK "
                                + "--restore-mark) target that runs on the packet changes it, so "
                                + (mm.negated() ? "the negated match is always true" : "this rule never matches"),
                        ev, "make the MARK rule reachable (jump to its chain from PREROUTING/OUTPUT before the packet "
                                + "reaches this rule)").classified("mark-never-set", "0x" + Long.toHexString(mm.value() != 0 ? mm.value() : mm.mask())));
            }
            long matchedBits = 0;
            for (int i = 0; i < matchers.size(); i++) if (matchers.get(i).reachable) matchedBits |= matchMasks.get(i);
            for (Site st : setters) {
                if (!st.reachable) continue;
                long b = bits((Mark) st.rule.target());
                if (b == 0 || (b & matchedBits) != 0) continue;
                out.add(new Finding(id(), Severity.INFO, h.name(),
                        "mark bits 0x" + Long.toHexString(b) + " set in " + st.chain + " are never matched by iptables",
                        "a mark may still be read elsewhere (ip rule fwmark, IPVS -f fwmark services, tc), which fnlab "
                                + "checks separately", List.of(new Evidence.Config(h.name(), RuleText.of(st.chain, st.rule),
                        st.rule.source())), "remove the MARK rule if nothing reads the mark"));
            }
        }
        return out;
    }

    /**
     * The bits a MARK rule turns on: value bits under the mask (--set-mark, --or-mark, --set-xmark).
     * --xor-mark (mask 0) and --and-mark (value 0) only flip or clear bits after a test, as
     * KUBE-POSTROUTING does, so they are not a source of the mark.
     */
    private static long bits(Mark m) {
        return m.mask() == 0 ? 0 : (m.value() & m.mask()) & 0xffffffffL;
    }

    private static MarkMatch markMatch(Rule r) {
        for (Match m : r.matches()) if (m instanceof MarkMatch mm) return mm;
        throw new IllegalStateException();
    }
}
