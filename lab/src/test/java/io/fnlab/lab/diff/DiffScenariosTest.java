package io.fnlab.lab.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.scenario.Host;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Without a kernel: every generated case reads as a scenario, and the simulator runs all its flows. */
class DiffScenariosTest {
    @Provide
    Arbitrary<DiffCase> cases() {
        return DiffScenarios.cases();
    }

    @Property(tries = 60, seed = "20261122")
    void everyGeneratedCaseIsAScenarioTheSimulatorRuns(@ForAll("cases") DiffCase c) {
        assertTrue(c.scenario().hosts().size() >= 2 && c.scenario().hosts().size() <= 4, c::dump);
        for (Host h : c.scenario().hosts()) assertEquals(List.of(), h.config().diagnostics(), c::dump);
        List<Observation> sim = SimSide.run(c, 1);
        assertEquals(c.flows().size(), sim.size(), c::dump);
        for (Observation o : sim) assertTrue(o.outcome() != null, c::dump);
        // the same iptables text goes to the kernel
        String h = c.scenario().host("r").isPresent() ? "r" : "s1";
        assertTrue(c.setup().get(h).contains("iptables-restore <<'FNLAB_IPT_EOF'\n*"), c::dump);
        assertTrue(!c.scenario().host(h).orElseThrow().config().iptables().tables().isEmpty(), c::dump);
    }
}
