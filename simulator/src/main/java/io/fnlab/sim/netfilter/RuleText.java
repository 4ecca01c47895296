package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.target.Goto;
import io.fnlab.model.netfilter.target.Target;

/**
 * The text a trace shows for a rule. The one place to switch to
 * io.fnlab.model.format.iptables.RuleSyntax.format(rule) once that formatter is merged; until
 * then a short fallback naming the chain, the modules, the target and the source line.
 */
public final class RuleText {
    private RuleText() {}

    public static String format(TableName table, String chain, int number, Rule rule) {
        if (rule == null) return "-A " + chain;
        StringBuilder b = new StringBuilder("-A ").append(chain);
        for (Match m : rule.matches()) {
            if (m.module() != null) b.append(" -m ").append(m.module());
        }
        Target t = rule.target();
        if (t != null) b.append(t instanceof Goto ? " -g " : " -j ").append(t.name());
        b.append("  [").append(table.label()).append(' ').append(chain).append(" rule ").append(number)
                .append(", ").append(rule.source()).append(']');
        return b.toString();
    }
}
