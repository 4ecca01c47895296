package io.fnlab.sim.verify;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Commands of a host's scripts that the real tool rejects: the kernel state lacks what they were
 * meant to add, and everything that depends on it silently never happens (seed 000's jump to the
 * never-created LVS_PROXY_CHAIN and its insert into the misspelt KUE-SERVICES).
 */
public final class CommandErrorsCheck implements Check {
    private static final Pattern MISSING_CHAIN = Pattern.compile("Chain '([^']+)' does not exist");

    public String id() {
        return "command-failed";
    }

    public String description() {
        return "commands that the real tool rejects (the rule, set or service they add does not exist)";
    }

    public List<Finding> run(Scenario s) {
        List<Finding> out = new ArrayList<>();
        for (Host h : s.hosts()) {
            for (Diagnostic d : h.config().diagnostics()) {
                if (d.severity() != Diagnostic.Severity.ERROR) continue;
                String cause = "the " + d.tool() + " command failed, so the kernel never got what it adds: "
                        + "rules, jumps and sets that depend on it do nothing";
                String fix = "fix the command so that it succeeds on a real host";
                Matcher m = MISSING_CHAIN.matcher(d.message());
                if (m.find()) {
                    String chain = m.group(1);
                    cause = "no chain named " + chain + " exists when the rule is added (iptables checks jump targets "
                            + "at insertion: the kernel's translate_table rejects a jump to a missing chain), so the rule "
                            + "with the jump was not added";
                    fix = "create it first with `iptables -t <table> -N " + chain + "`, or jump to the chain that exists"
                            + nearest(h, chain);
                } else if (d.message().contains("No chain/target/match by that name")) {
                    cause = "the chain the command names does not exist in that table (or the target/match is unknown), "
                            + "so the rule was not added";
                    fix = "check the chain name against `iptables -t <table> -S`" + nearestFromSource(h, d);
                }
                Finding f = new Finding(id(), Severity.ERROR, h.name(), d.tool() + ": " + d.message(), cause,
                        List.of(new Evidence.Config(h.name(), d.command() != null ? d.command() : d.tool() + ": " + d.message(),
                                d.where())), fix);
                String missing = m.find(0) ? m.group(1) : chainOfCommand(d);
                if (missing != null && "iptables".equals(d.tool())) f = f.classified("missing-chain", missing);
                out.add(f);
            }
        }
        return out;
    }

    /** "; did you mean KUBE-SERVICES?" when a chain of a similar name exists. */
    static String nearest(Host h, String name) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (Table t : h.config().iptables().tables().values()) {
            for (Chain c : t.chains()) {
                int dist = Levenshtein.distance(name, c.name());
                if (dist < bestD && dist <= Math.max(2, name.length() / 4)) {
                    bestD = dist;
                    best = c.name();
                }
            }
        }
        return best == null ? "" : "; did you mean " + best + "?";
    }

    /** For "No chain/target/match" the message has no name: look for a word of the command that is close to a chain. */
    private static String nearestFromSource(Host h, Diagnostic d) {
        if (d.command() == null) return "";
        for (String w : d.command().split("\\s+")) {
            if (w.length() < 4 || w.startsWith("-") || !w.equals(w.toUpperCase(java.util.Locale.ROOT))) continue;
            if (chainExists(h, w)) continue;
            String n = nearest(h, w);
            if (!n.isEmpty()) return "; '" + w + "' is not a chain" + n;
        }
        return "";
    }

    /** The chain a failed iptables command names (-A/-I/-D/-R/-F/-P/-N/-X/-E CHAIN), or null. */
    static String chainOfCommand(Diagnostic d) {
        if (d.command() == null || !d.message().contains("No chain/target/match")) return null;
        String[] w = d.command().trim().split("\\s+");
        for (int i = 0; i + 1 < w.length; i++) {
            switch (w[i]) {
                case "-A", "--append", "-I", "--insert", "-D", "--delete", "-R", "--replace", "-F", "--flush", "-Z",
                        "-P", "--policy", "-X", "--delete-chain", "-E", "--rename-chain" -> {
                    return w[i + 1];
                }
                default -> { }
            }
        }
        return null;
    }

    private static boolean chainExists(Host h, String name) {
        for (Table t : h.config().iptables().tables().values()) if (t.chain(name).isPresent()) return true;
        return false;
    }
}
