package io.fnlab.sim.verify;

import io.fnlab.model.scenario.Expectation;
import io.fnlab.model.scenario.ExpectedCause;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * fnlab's main job: the static checks, then the scenario's traffic through the simulated
 * kernels, then the author's expectations checked against what happened, then the service
 * matrix (every client x every virtual service, independent of the expectations). Every finding
 * that claims a packet's fate carries that packet's trace.
 */
public final class Verifier {
    public static final String EXPECTATION_CHECK = "expectations";

    private Verifier() {}

    public static VerifyReport verify(Scenario s, long seed) {
        List<String> checks = new ArrayList<>();
        for (Check c : Lint.checks()) checks.add(c.id());
        checks.add(EXPECTATION_CHECK);
        checks.add(ServiceMatrixCheck.ID);
        List<Finding> findings = new ArrayList<>(Lint.run(s));

        List<Traffic.Flow> flows = s.traffic().stream().filter(t -> t instanceof Traffic.Flow).map(t -> (Traffic.Flow) t).toList();
        List<FlowResult> results = Network.of(s, seed).run(flows);
        List<VerifyReport.FlowSummary> summaries = new ArrayList<>();
        for (FlowResult r : results) {
            Traffic.Flow f = flows.stream().filter(x -> x.id().equals(r.flow())).findFirst().orElseThrow();
            List<String> missed = new ArrayList<>();
            String expected = null;
            for (Expectation e : s.expectations()) {
                if (!e.flow().equals(r.flow())) continue;
                if (e instanceof Expectation.FlowOutcome o) {
                    expected = o.outcome().name().toLowerCase(java.util.Locale.ROOT);
                    if (r.outcome() != o.outcome()) missed.add("expected " + expected + ", got " + lower(r.outcome()));
                } else if (e instanceof Expectation.ServerSeesSource ss) {
                    if (r.serverView() == null || !r.serverView().src().equals(ss.client()))
                        missed.add("expected the server to see " + ss.client() + ", it saw "
                                + (r.serverView() == null ? "nothing" : r.serverView().src()));
                } else if (e instanceof Expectation.ServedBy sb) {
                    if (!sb.host().equals(r.servedByHost()))
                        missed.add("expected " + sb.host() + " to serve it, " + (r.servedByHost() == null ? "nobody did" : r.servedByHost() + " did"));
                }
            }
            String conn = r.connection() == null ? r.flow() : r.connection();
            summaries.add(new VerifyReport.FlowSummary(conn, f.from(), f.to().toString(), lower(r.outcome()), expected,
                    r.servedByHost(), r.serverView() == null ? null : r.serverView().src() + ":" + r.serverView().sport(),
                    missed.isEmpty()));
            if (missed.isEmpty()) continue;
            FlowDiagnosis.Cause cause = FlowDiagnosis.of(r, f.from());
            List<Evidence> ev = new ArrayList<>();
            if (cause.trace() != null) ev.add(new Evidence.PacketTrace(cause.trace()));
            findings.add(new Finding(EXPECTATION_CHECK, Severity.ERROR, f.from(), "flow " + conn + " (" + f.from() + " -> "
                    + f.to() + "): " + String.join("; ", missed), cause.text(), ev,
                    r.outcome() == Outcome.ESTABLISHED ? "see the trace for where the path differs from the expected one"
                            : "fix what the trace shows dropping or rewriting the packet (see the other findings)",
                    cause.kind(), cause.subject()));
        }
        // The matrix runs in a network of its own: the scenario's flows above are not disturbed by it.
        ServiceMatrixCheck.Result matrix = ServiceMatrixCheck.run(s, seed);
        findings.addAll(matrix.findings());
        List<String> notModelled = new ArrayList<>(notModelled(results));
        for (String n : matrix.notModelled()) if (!notModelled.contains(n)) notModelled.add(n);
        return new VerifyReport(s.name(), s.path(), checks, findings, summaries, notModelled);
    }

    private static String lower(Outcome o) {
        return o.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Everything the traces say fnlab did not model, once each. */
    static List<String> notModelled(List<FlowResult> results) {
        Set<String> out = new LinkedHashSet<>();
        for (FlowResult r : results) {
            for (Trace t : r.traces()) {
                for (Hop h : t.hops()) {
                    for (Step st : h.steps()) {
                        if (st instanceof Step.NotModelled n) out.add(h.host() + ": " + n.what() + (n.detail() == null ? "" : ": " + n.detail()));
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Expected causes of a scenario that no finding names (by kind and subject). */
    public static List<ExpectedCause> unnamedCauses(Scenario s, VerifyReport r) {
        List<ExpectedCause> out = new ArrayList<>();
        for (ExpectedCause c : s.expectedCauses()) {
            boolean named = r.findings().stream().anyMatch(f -> c.kind().equals(f.kind())
                    && (c.subject() == null || c.subject().equalsIgnoreCase(f.subject())));
            if (!named) out.add(c);
        }
        return out;
    }
}
