package io.fnlab.sim.conntrack;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.match.ConnmarkMatch;
import io.fnlab.model.netfilter.match.ConntrackMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.StateMatch;
import io.fnlab.model.netfilter.targets.Connmark;
import io.fnlab.model.netfilter.targets.Ct;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.Redirect;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.scenario.HostConfig;

/**
 * nf_ct_netns_get: conntrack's hooks exist in a network namespace only while something there asks
 * for them. The extensions that do in their checkentry are the NAT targets (xt_nat's SNAT and
 * DNAT, MASQUERADE, REDIRECT), CONNMARK and -m connmark, -m conntrack, -m state and CT without
 * --notrack (NOTRACK and CT --notrack do not). A loaded nat table alone does not: with only, say,
 * a MARK rule in nat PREROUTING no packet has an entry, so nf_nat_inet_fn never walks the table
 * (seen on Linux 6.18 with iptables-nft and -legacy; DifferentialKernelTest case 127 of seed 777).
 *
 * <p>A host with IPVS services keeps conntrack as before: whether IPVS asks for it (vs/conntrack,
 * its own nf_ct use) has not been compared with a real kernel yet, and every IPVS scenario that
 * has been also has a NAT rule or vs/conntrack=1.
 */
public final class CtNetnsGet {
    private CtNetnsGet() {}

    /** Whether this host's configuration registers conntrack's hooks. */
    public static boolean needed(HostConfig config) {
        if (!config.ipvs().services().isEmpty()) return true;
        return needed(config.iptables());
    }

    /** Whether any rule of the ruleset has an extension whose checkentry calls nf_ct_netns_get. */
    public static boolean needed(Ruleset rules) {
        for (Table t : rules.tables().values())
            for (Chain c : t.chains())
                for (Rule r : c.rules()) {
                    if (asks(r.target())) return true;
                    for (Match m : r.matches()) if (asks(m)) return true;
                }
        return false;
    }

    static boolean asks(Target t) {
        return t instanceof Snat || t instanceof Dnat || t instanceof Masquerade || t instanceof Redirect
                || t instanceof Connmark || (t instanceof Ct ct && !ct.notrack());
    }

    static boolean asks(Match m) {
        return m instanceof ConntrackMatch || m instanceof StateMatch || m instanceof ConnmarkMatch;
    }
}
