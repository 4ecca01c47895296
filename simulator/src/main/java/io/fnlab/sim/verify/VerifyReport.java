package io.fnlab.sim.verify;

import java.util.List;

/**
 * The result of verifying one scenario: every check that ran, the findings, the flows the
 * simulation ran with their outcomes, and what fnlab did not model on the way.
 */
public record VerifyReport(String scenario, String path, List<String> checksRun, List<Finding> findings,
                           List<FlowSummary> flows, List<String> notModelled, List<AllPacketsRun> allPackets) {
    public VerifyReport {
        checksRun = List.copyOf(checksRun);
        findings = List.copyOf(findings);
        flows = List.copyOf(flows);
        notModelled = List.copyOf(notModelled);
        allPackets = List.copyOf(allPackets);
    }

    public VerifyReport(String scenario, String path, List<String> checksRun, List<Finding> findings,
                        List<FlowSummary> flows, List<String> notModelled) {
        this(scenario, path, checksRun, findings, flows, notModelled, List.of());
    }

    /**
     * One director's all-packets verification (`verify --all-packets`): classes walked, how many
     * fail (at error level), the time it took, and what it did not verify. Its failing classes
     * are findings of check {@code all-packets}.
     */
    public record AllPacketsRun(String host, long classes, long failingClasses, double seconds, List<String> notes) {
        public AllPacketsRun {
            notes = List.copyOf(notes);
        }
    }

    /** This report with all-packets runs and their findings added. */
    public VerifyReport withAllPackets(List<AllPacketsRun> runs, List<Finding> more) {
        List<Finding> f = new java.util.ArrayList<>(findings);
        f.addAll(more);
        List<AllPacketsRun> a = new java.util.ArrayList<>(allPackets);
        a.addAll(runs);
        return new VerifyReport(scenario, path, checksRun, f, flows, notModelled, a);
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
