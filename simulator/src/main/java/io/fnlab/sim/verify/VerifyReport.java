package io.fnlab.sim.verify;

import java.util.List;

/**
 * The result of verifying one scenario: every check that ran, the findings, the flows the
 * simulation ran with their outcomes, and what fnlab did not model on the way.
 */
public record VerifyReport(String scenario, String path, List<String> checksRun, List<Finding> findings,
                           List<FlowSummary> flows, List<String> notModelled) {
    public VerifyReport {
        checksRun = List.copyOf(checksRun);
        findings = List.copyOf(findings);
        flows = List.copyOf(flows);
        notModelled = List.copyOf(notModelled);
    }

    /** One simulated flow: its outcome, what the scenario expected (null when nothing), and who served it. */
    public record FlowSummary(String id, String from, String to, String outcome, String expected, String servedBy,
                              String serverSaw, boolean holds) {}

    public boolean holds() {
        return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR) && flows.stream().allMatch(FlowSummary::holds);
    }

    public long count(Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }
}
