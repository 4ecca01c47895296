package io.fnlab.model.format.scenario;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.scenario.ExpectedCause;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file in scenarios/ parses and says what it teaches and what verdict it expects. The tool
 * models used here are the test fakes (FakeTools), so this checks structure, references and
 * the shell layer; the real iptables/ipset/ipvsadm/ip/sysctl models check the commands
 * themselves once they are merged.
 */
class ScenarioLibraryTest {
    @TestFactory
    Stream<DynamicTest> everyScenarioParses() {
        List<Path> files = Library.files();
        assertTrue(files.size() >= 15, "library: " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Scenario s;
            try {
                s = ScenarioReader.read(f);
            } catch (ParseError e) {
                throw new AssertionError(e.getMessage(), e);
            }
            String base = f.getFileName().toString().replace(".yaml", "");
            assertEquals(base, s.name(), "name matches the file");
            assertFalse(s.teaches().isBlank(), "states what it teaches");
            assertFalse(s.description().isBlank(), "has a description");
            assertTrue(s.expectedVerdict().equals("holds") || s.expectedVerdict().equals("fails"));
            assertEquals(s.expectedVerdict().equals("fails"), !s.expectedCauses().isEmpty());
            assertFalse(s.traffic().isEmpty(), "runs some traffic");
            assertFalse(s.expectations().isEmpty(), "expects something");
            for (Host h : s.hosts())
                for (Diagnostic d : h.config().diagnostics())
                    if (d.severity() == Diagnostic.Severity.ERROR)
                        assertEquals("fails", s.expectedVerdict(), "a command fails in a scenario that should hold: " + d);
        }));
    }

    @Test
    void publishedSeed000ShowsItsTwoFailingCommands() {
        Scenario s = ScenarioReader.read(Library.dir().resolve("seed000-published.yaml"));
        List<Diagnostic> errors = s.host("director").orElseThrow().config().diagnostics().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        int lvs = ScenarioReaderTest.lineOf(Library.dir().resolve("seed000-published.yaml"), "--comment \"proxy snat\" -j LVS_PROXY_CHAIN");
        int kue = ScenarioReaderTest.lineOf(Library.dir().resolve("seed000-published.yaml"), "iptables -t nat -I KUE-SERVICES");
        assertEquals(List.of(lvs, kue), errors.stream().map(d -> d.where().line()).toList());
        assertEquals(List.of("LVS_PROXY_CHAIN", "KUE-SERVICES", "0x4000", "net.ipv4.vs.conntrack=0"),
                s.expectedCauses().stream().map(ExpectedCause::subject).toList());
        // the article's verification curl is reported, not silently dropped
        assertTrue(s.host("director").orElseThrow().config().diagnostics().stream()
                .anyMatch(d -> d.tool().equals("curl") && d.severity() == Diagnostic.Severity.INFO));
        assertEquals("0", s.host("director").orElseThrow().config().sysctls().get("net.ipv4.vs.conntrack", "0"));
    }

    @Test
    void theDefaultScenarioSetsWhatFullnatNeeds() {
        Scenario s = ScenarioReader.read(Library.dir().resolve("seed000-fullnat.yaml"));
        Host d = s.host("director").orElseThrow();
        assertEquals(1, d.config().sysctls().getInt("net.ipv4.vs.conntrack", 0));
        assertEquals(1, d.config().sysctls().getInt("net.ipv4.ip_forward", 0));
        assertTrue(d.config().diagnostics().stream().noneMatch(x -> x.severity() == Diagnostic.Severity.ERROR));
    }
}
