package io.fnlab.sim.netfilter;

import io.fnlab.model.format.iptables.RuleSyntax;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.TableName;

/**
 * The text a trace shows for a rule: "-A CHAIN" and the rule spec exactly as iptables-save
 * prints it (RuleSyntax.format). Where the rule came from is not repeated here: the trace step
 * carries it (Step.RuleMatched.source).
 */
public final class RuleText {
    private RuleText() {}

    public static String format(TableName table, String chain, int number, Rule rule) {
        if (rule == null) return "-A " + chain;
        String spec = RuleSyntax.format(rule);
        return spec.isEmpty() ? "-A " + chain : "-A " + chain + " " + spec;
    }
}
