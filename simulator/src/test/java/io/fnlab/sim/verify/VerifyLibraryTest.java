package io.fnlab.sim.verify;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.ExpectedCause;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every library scenario gives its expected verdict through `fnlab verify`'s pipeline, and every
 * failing one is explained by findings that name each cause the scenario lists.
 */
class VerifyLibraryTest {
    @TestFactory
    Stream<DynamicTest> everyScenarioGivesItsVerdictAndNamesItsCauses() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Paths.get("../scenarios"))) {
            files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Scenario s = ScenarioReader.read(p);
            VerifyReport r = Verifier.verify(s, 1);
            String text = ReportWriter.text(r);
            assertEquals("holds".equals(s.expectedVerdict()), r.holds(), text);
            List<ExpectedCause> unnamed = Verifier.unnamedCauses(s, r);
            assertEquals(List.of(), unnamed, text);
        }));
    }

    /**
     * With `verify --all-packets` every library scenario keeps its verdict: no all-packets class
     * fails at error level in any of them (the failing ones fail on the reply path or in lint,
     * which all-packets, a check of new connections' first packets, does not look at).
     */
    @TestFactory
    Stream<DynamicTest> everyScenarioKeepsItsVerdictWithAllPackets() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Paths.get("../scenarios"))) {
            files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Scenario s = ScenarioReader.read(p);
            VerifyReport r = io.fnlab.sim.verify.allpackets.AllPacketsCheck.apply(s, Verifier.verify(s, 1));
            String text = ReportWriter.text(r);
            assertEquals("holds".equals(s.expectedVerdict()), r.holds(), text);
            assertFalse(r.allPackets().isEmpty(), "every library scenario has a director: " + text);
            assertTrue(r.findings().stream().noneMatch(f -> f.check().equals("all-packets") && f.severity() == Severity.ERROR), text);
        }));
    }
}
