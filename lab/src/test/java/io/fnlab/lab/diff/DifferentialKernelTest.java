package io.fnlab.lab.diff;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fnlab.lab.netns.NetnsBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The simulator against this machine's kernel on random iptables-only cases ({@link
 * DiffScenarios}). The seed is fixed (so CI runs the same cases every time) and printed; run
 * others with -Dfnlab.diff.seed=N, more or fewer with -Dfnlab.diff.cases=N. Cases run in
 * batches of namespaces ({@link KernelSide}); every disagreement is printed with the case's
 * scenario, its setup scripts and both sides' observations.
 */
@Tag("kernel")
class DifferentialKernelTest {
    static final long DEFAULT_SEED = 20261122L;
    static final int BATCH = 50;

    @Test
    void theSimulatorAgreesWithTheKernelOnRandomIptablesCases() {
        assumeTrue(NetnsBackend.unavailableReason().isEmpty(), () -> NetnsBackend.unavailableReason().orElse(""));
        long seed = Long.getLong("fnlab.diff.seed", DEFAULT_SEED);
        int n = Integer.getInteger("fnlab.diff.cases", 400);
        System.out.println("differential: seed " + seed + " (-Dfnlab.diff.seed=" + seed + "), " + n + " cases");
        List<DiffCase> cases = generate(seed, n);
        String only = System.getProperty("fnlab.diff.only"); // e.g. case-3,case-17: rerun just those
        if (only != null && !only.isBlank()) {
            List<String> names = List.of(only.split(","));
            cases = cases.stream().filter(c -> names.contains(c.name())).toList();
        }

        long t0 = System.nanoTime();
        List<String> report = new ArrayList<>();
        int disagreeing = 0, flows = 0;
        java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
        KernelSide kernel = new KernelSide(KernelSide.PROBE_TIMEOUT_MS, false);
        for (int from = 0; from < cases.size(); from += BATCH) {
            List<DiffCase> batch = cases.subList(from, Math.min(cases.size(), from + BATCH));
            KernelSide.Batch kb = kernel.run(batch);
            for (DiffCase c : batch) {
                List<Observation> sim;
                try {
                    sim = SimSide.run(c, seed);
                } catch (RuntimeException e) {
                    disagreeing++;
                    report.add(c.dump() + "the simulator failed: " + e + "\n");
                    continue;
                }
                List<Observation> real = kb.observations().get(c.name());
                flows += real.size();
                for (Observation o : real) outcomes.merge(String.valueOf(o.outcome()), 1, Integer::sum);
                List<String> diffs = new ArrayList<>(Unifier.compare(c, sim, real));
                String setupErrors = kb.setupErrors().get(c.name());
                if (setupErrors != null) diffs.add("the kernel refused part of the setup:\n" + setupErrors);
                if (System.getProperty("fnlab.diff.verbose") != null) System.out.println(describe(c, sim, real, diffs));
                if (!diffs.isEmpty()) {
                    disagreeing++;
                    report.add(describe(c, sim, real, diffs) + (System.getProperty("fnlab.diff.traces") != null ? SimSide.traces(c, seed) : ""));
                }
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("differential: " + cases.size() + " cases, " + flows + " flows, " + disagreeing
                + " disagreeing, " + ms + " ms (seed " + seed + "); kernel outcomes " + outcomes);
        report.forEach(System.out::println);
        assertTrue(report.isEmpty(), disagreeing + " of " + cases.size() + " cases disagree (seed " + seed + "):\n"
                + String.join("\n", report.subList(0, Math.min(3, report.size()))));
    }

    static List<DiffCase> generate(long seed, int n) {
        Arbitrary<DiffCase> a = DiffScenarios.cases();
        RandomGenerator<DiffCase> g = a.generator(1000);
        Random r = new Random(seed);
        List<DiffCase> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(g.next(r).value());
        return out;
    }

    static String describe(DiffCase c, List<Observation> sim, List<Observation> real, List<String> diffs) {
        StringBuilder b = new StringBuilder("=== DISAGREEMENT in ").append(c.name()).append('\n');
        diffs.forEach(d -> b.append("  ").append(d).append('\n'));
        b.append(c.dump());
        b.append("# simulator:\n");
        sim.forEach(o -> b.append("#   ").append(o).append('\n'));
        b.append("# kernel:\n");
        real.forEach(o -> b.append("#   ").append(o).append('\n'));
        return b.toString();
    }
}
