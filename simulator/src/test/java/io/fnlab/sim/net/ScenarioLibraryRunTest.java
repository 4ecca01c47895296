package io.fnlab.sim.net;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.scenario.Expectation;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every library scenario through the simulator: a scenario that "holds" must meet all its
 * expectations, one that "fails" must miss at least one. Scenarios whose config this build
 * cannot read are skipped (with the reader's message).
 */
class ScenarioLibraryRunTest {
    @TestFactory
    Stream<DynamicTest> libraryVerdicts() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Paths.get("../scenarios"))) {
            files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Scenario s;
            try {
                s = ScenarioReader.read(p);
            } catch (ParseError e) {
                Assumptions.abort("not readable in this build: " + e.getMessage());
                return;
            }
            List<Traffic.Flow> flows = s.traffic().stream().filter(t -> t instanceof Traffic.Flow).map(t -> (Traffic.Flow) t).toList();
            List<FlowResult> rs = Network.of(s, 1).run(flows);
            List<String> missed = new ArrayList<>();
            for (Expectation e : s.expectations()) {
                for (FlowResult r : rs) {
                    if (!r.flow().equals(e.flow())) continue;
                    String why = null;
                    if (e instanceof Expectation.FlowOutcome o && r.outcome() != o.outcome()) why = r.outcome() + " " + r.detail();
                    if (e instanceof Expectation.ServerSeesSource ss && (r.serverView() == null || !r.serverView().src().equals(ss.client())))
                        why = "server sees " + (r.serverView() == null ? "nothing" : r.serverView().src());
                    if (e instanceof Expectation.ServedBy sb && !sb.host().equals(r.servedByHost())) why = "served by " + r.servedByHost();
                    if (why != null) missed.add(r.connection() + ": " + e + " -> " + why);
                }
            }
            if ("holds".equals(s.expectedVerdict())) assertEquals(List.of(), missed, p.toString());
            else assertFalse(missed.isEmpty(), p + " should miss an expectation");
        }));
    }

}
