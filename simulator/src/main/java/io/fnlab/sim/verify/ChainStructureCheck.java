package io.fnlab.sim.verify;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.match.CommentMatch;
import io.fnlab.model.netfilter.targets.Jump;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;

/**
 * Structure of the chains: user chains nothing jumps to (their rules never run), rules after an
 * unconditional terminal rule (never reached), and rules shadowed by an earlier terminal rule with
 * the same matches.
 */
public final class ChainStructureCheck implements Check {
    public String id() {
        return "chain-structure";
    }

    public String description() {
        return "chains nothing jumps to, rules that can never run";
    }

    public List<Finding> run(Scenario s) {
        List<Finding> out = new ArrayList<>();
        for (Host h : s.hosts()) {
            for (Table t : h.config().iptables().tables().values()) {
                ChainGraph g = new ChainGraph(t);
                for (Chain c : t.chains()) {
                    if (!c.isBuiltin() && !g.reachable(c.name())) unreachableChain(out, h, t, g, c);
                    deadRules(out, h, t, c);
                }
            }
        }
        return out;
    }

    private void unreachableChain(List<Finding> out, Host h, Table t, ChainGraph g, Chain c) {
        if (c.rules().isEmpty() && !g.referenced(c.name())) {
            out.add(new Finding(id(), Severity.INFO, h.name(), "chain " + t.name().label() + "/" + c.name()
                    + " is empty and nothing jumps to it", "an unused chain does nothing", List.of(),
                    "remove it or add the jump that was meant to use it"));
            return;
        }
        String why = g.referenced(c.name()) ? "only chains that are themselves unreachable jump to it"
                : "no rule jumps to it";
        List<Evidence> ev = new ArrayList<>();
        for (Rule r : c.rules()) ev.add(new Evidence.Config(h.name(), RuleText.of(c.name(), r), r.source()));
        out.add(new Finding(id(), c.rules().isEmpty() ? Severity.INFO : Severity.WARNING, h.name(),
                "chain " + t.name().label() + "/" + c.name() + " never sees a packet: " + why,
                "netfilter walks only the built-in chains of a hook and the chains they jump or go to; the "
                        + c.rules().size() + " rule(s) in " + c.name() + " never run",
                ev, "add a jump to " + c.name() + " from the chain where its rules are meant to run"));
    }

    private void deadRules(List<Finding> out, Host h, Table t, Chain c) {
        List<Rule> rules = c.rules();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r.target() == null || !endsWalk(r.target())) continue;
            boolean unconditional = r.matches().stream().allMatch(m -> m instanceof CommentMatch);
            for (int j = i + 1; j < rules.size(); j++) {
                Rule later = rules.get(j);
                boolean shadowed = unconditional || stripComments(later).equals(stripComments(r));
                if (!shadowed) continue;
                out.add(new Finding(id(), Severity.WARNING, h.name(),
                        "rule " + (j + 1) + " of " + t.name().label() + "/" + c.name() + " can never run",
                        (unconditional ? "rule " + (i + 1) + " matches every packet" : "rule " + (i + 1) + " has the same matches")
                                + " and its target " + r.target().name() + " ends the walk of this chain"
                                + (isNat(r.target()) ? " (NAT targets are terminal: nf_nat returns the verdict at once)" : ""),
                        List.of(new Evidence.Config(h.name(), RuleText.of(c.name(), r), r.source()),
                                new Evidence.Config(h.name(), RuleText.of(c.name(), later), later.source())),
                        "move rule " + (j + 1) + " before rule " + (i + 1) + " or narrow rule " + (i + 1)));
                if (unconditional) break;
            }
        }
    }

    private static boolean endsWalk(Target t) {
        return t.terminal() && !(t instanceof Jump);
    }

    private static boolean isNat(Target t) {
        return switch (t.name()) {
            case "DNAT", "SNAT", "MASQUERADE", "REDIRECT" -> true;
            default -> false;
        };
    }

    private static List<?> stripComments(Rule r) {
        return r.matches().stream().filter(m -> !(m instanceof CommentMatch)).toList();
    }
}
