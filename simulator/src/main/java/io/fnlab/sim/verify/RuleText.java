package io.fnlab.sim.verify;

import io.fnlab.model.netfilter.Rule;

/** How findings quote a rule: "-A CHAIN <spec>" as iptables-save prints it. */
final class RuleText {
    static String of(String chain, Rule r) {
        return "-A " + chain + " " + io.fnlab.model.format.iptables.RuleSyntax.format(r);
    }

    private RuleText() {}
}
