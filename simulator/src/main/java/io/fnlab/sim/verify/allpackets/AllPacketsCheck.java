package io.fnlab.sim.verify.allpackets;

import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.verify.Evidence;
import io.fnlab.sim.verify.Finding;
import io.fnlab.sim.verify.Severity;
import io.fnlab.sim.verify.VerifyReport;
import java.util.ArrayList;
import java.util.List;

/**
 * `fnlab verify --all-packets`: {@link AllPackets} on every director of a scenario (every host
 * with an IPVS virtual service), after the normal checks; each group of failing classes becomes
 * a finding of check {@value #CHECK} with kind {@value #CHECK} and the property as subject, and
 * each director's class count, time and notes go into the report.
 */
public final class AllPacketsCheck {
    public static final String CHECK = "all-packets";

    private AllPacketsCheck() {}

    public static VerifyReport apply(Scenario s, VerifyReport r) {
        List<VerifyReport.AllPacketsRun> runs = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Host h : s.hosts()) {
            if (h.config().ipvs().services().isEmpty()) continue;
            AllPackets.Report ap = AllPackets.verify(h, s.servers());
            runs.add(new VerifyReport.AllPacketsRun(h.name(), ap.classes(), ap.failingClasses(), ap.nanos() / 1e9, ap.notes()));
            findings.addAll(findings(ap));
        }
        return r.withAllPackets(runs, findings);
    }

    /** One finding per group of failing classes. */
    public static List<Finding> findings(AllPackets.Report r) {
        List<Finding> out = new ArrayList<>();
        for (AllPackets.Failure f : r.failures()) {
            String n = f.classes() + (f.classes() == 1 ? " class" : " classes");
            String verdict = switch (f.property()) {
                case AllPackets.SERVICE_NOT_REACHED -> n + " of new connections to a service do not reach a real server: " + f.outcome();
                case AllPackets.NON_SERVICE_PORT_DELIVERED -> n + " of new connections to a service address on a port that is no service "
                        + "reach a listening socket of the director";
                case AllPackets.NON_SERVICE_PORT_FORWARDED -> n + " of new connections to a service address on a port that is no service "
                        + "are forwarded";
                case AllPackets.NON_SERVICE_PORT_OPEN -> n + " of new connections to a service address on a port that is no service "
                        + "reach the director's local stack";
                default -> f.outcome();
            };
            StringBuilder v = new StringBuilder("all-packets: ").append(verdict);
            if (f.witness() != null) v.append("; witness ").append(f.witness());
            if (!f.destinations().isEmpty()) {
                v.append(" (").append(String.join(", ", f.destinations()));
                if (f.destinationCount() > f.destinations().size())
                    v.append(" and ").append(f.destinationCount() - f.destinations().size()).append(" more");
                v.append(')');
            }
            StringBuilder cause = new StringBuilder(f.witnessOutcome() != null ? f.witnessOutcome() : f.outcome());
            List<Evidence> ev = new ArrayList<>();
            if (f.rule() != null) {
                cause.append("; the deciding rule is in ").append(f.rule().table()).append(' ').append(f.rule().chain()).append(": ")
                        .append(f.rule().rule());
                ev.add(new Evidence.Config(r.host(), f.rule().rule(), f.rule().source()));
            }
            if (f.trace() != null) ev.add(new Evidence.PacketTrace(f.trace()));
            out.add(new Finding(CHECK, f.error() ? Severity.ERROR : Severity.WARNING, r.host(), v.toString(), cause.toString(), ev,
                    fix(f), CHECK, f.property()));
        }
        return out;
    }

    private static String fix(AllPackets.Failure f) {
        return switch (f.property()) {
            case AllPackets.SERVICE_NOT_REACHED -> "let these sources through to IPVS (filter INPUT runs before IPVS at INPUT 99), "
                    + "or, if they must be refused, accept the finding as the policy";
            case AllPackets.NON_SERVICE_PORT_DELIVERED, AllPackets.NON_SERVICE_PORT_OPEN ->
                    "reject new connections to service addresses on other ports in filter INPUT, as kube-proxy's KUBE-IPVS-FILTER "
                            + "does (-m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT after RETURNs for the services)";
            case AllPackets.NON_SERVICE_PORT_FORWARDED -> "drop or reject what is addressed to a service address but is no service";
            case AllPackets.FWMARK_NEVER_SET -> "add a mangle PREROUTING rule that sets the service's mark on its traffic";
            default -> "see the witness's trace";
        };
    }
}
