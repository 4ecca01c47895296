package io.fnlab.lab.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

/** Runs cases in the simulator and, in one batch, in namespaces; fails when the two disagree. */
final class BothSides {
    static final long SEED = 7;

    record Run(List<DiffCase> cases, List<List<Observation>> sim, KernelSide.Batch kernel) {
        Observation sim(int caseIndex, String flow) {
            return sim.get(caseIndex).stream().filter(o -> o.flow().equals(flow)).findFirst().orElseThrow();
        }

        Observation kernel(int caseIndex, String flow) {
            return kernel.observations().get(cases.get(caseIndex).name()).stream().filter(o -> o.flow().equals(flow))
                    .findFirst().orElseThrow();
        }

        String capture(int caseIndex, String host) {
            return kernel.capture(caseIndex, host);
        }
    }

    static Run run(boolean capture, DiffCase... cases) {
        List<DiffCase> cs = List.of(cases);
        KernelSide.Batch kb = new KernelSide(KernelSide.PROBE_TIMEOUT_MS, capture).run(cs);
        List<List<Observation>> sims = new ArrayList<>();
        List<String> report = new ArrayList<>();
        for (DiffCase c : cs) {
            List<Observation> sim = SimSide.run(c, SEED);
            sims.add(sim);
            List<Observation> real = kb.observations().get(c.name());
            List<String> diffs = new ArrayList<>(Unifier.compare(c, sim, real));
            String setupErrors = kb.setupErrors().get(c.name());
            if (setupErrors != null) diffs.add("the kernel refused part of the setup:\n" + setupErrors);
            if (!diffs.isEmpty()) report.add(DifferentialKernelTest.describe(c, sim, real, diffs) + SimSide.traces(c, SEED));
        }
        report.forEach(System.out::println);
        assertEquals(List.of(), report, "the simulator and the kernel disagree");
        return new Run(cs, sims, kb);
    }

    private BothSides() {}
}
