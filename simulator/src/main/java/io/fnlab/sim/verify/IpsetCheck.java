package io.fnlab.sim.verify;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.SetMatch;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;

/** ipsets referenced by rules but not created, created but empty, or used with the wrong number of flags. */
public final class IpsetCheck implements Check {
    public String id() {
        return "ipset-use";
    }

    public String description() {
        return "ipsets referenced but not created or empty, flags not fitting the set type";
    }

    public List<Finding> run(Scenario s) {
        List<Finding> out = new ArrayList<>();
        for (Host h : s.hosts()) {
            for (Table t : h.config().iptables().tables().values()) {
                for (Chain c : t.chains()) {
                    for (Rule r : c.rules()) {
                        for (Match m : r.matches()) {
                            if (m instanceof SetMatch sm) check(out, h, c, r, sm);
                        }
                    }
                }
            }
        }
        return out;
    }

    private void check(List<Finding> out, Host h, Chain c, Rule r, SetMatch sm) {
        Evidence ev = new Evidence.Config(h.name(), RuleText.of(c.name(), r), r.source());
        IpSet set = h.config().ipsets().get(sm.setName());
        if (set == null) {
            out.add(new Finding(id(), Severity.ERROR, h.name(), "rule uses ipset " + sm.setName() + ", which does not exist",
                    "xt_set resolves the set by name when the rule is added (ip_set_nfnl_get_byname); a real iptables "
                            + "refuses the rule with \"Set " + sm.setName() + " doesn't exist.\"",
                    List.of(ev), "create it first: ipset create " + sm.setName() + " <type>"));
            return;
        }
        if (sm.srcFlags().size() < set.type().dims().size()) {
            out.add(new Finding(id(), Severity.WARNING, h.name(), "--match-set " + sm.setName() + " gives "
                    + sm.srcFlags().size() + " direction flag(s) for a " + set.type().label() + " set",
                    "with fewer flags than dimensions the kernel cannot build the lookup key; such a rule never matches",
                    List.of(ev), "give one src/dst flag per dimension, e.g. dst,dst for hash:ip,port"));
        }
        if (set.entries().isEmpty()) {
            out.add(new Finding(id(), Severity.WARNING, h.name(), "ipset " + sm.setName() + " is empty",
                    "an empty set matches no packet" + (sm.negated() ? " (so this negated match matches every packet)" : ""),
                    List.of(ev), "ipset add " + sm.setName() + " <entry>"));
        }
    }
}
