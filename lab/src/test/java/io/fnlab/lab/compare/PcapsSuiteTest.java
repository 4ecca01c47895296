package io.fnlab.lab.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnlab.lab.pcap.CaptureStream;
import io.fnlab.lab.pcap.CapturedPacket;
import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.trace.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pcaps/ regression suite: captures a real kernel made of library scenarios (fnlab lab run,
 * see pcaps/README.md), replayed against the simulator with compare semantics. No root, no VM.
 */
class PcapsSuiteTest {
    static final Path ROOT = Paths.get("..");

    static List<Path> suite() throws Exception {
        Path dir = ROOT.resolve("pcaps");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> Files.isRegularFile(d.resolve("manifest.json"))).sorted().toList();
        }
    }

    static Scenario scenarioOf(Path dir) throws Exception {
        JsonNode m = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        return ScenarioReader.read(ROOT.resolve(m.get("scenario").asText()));
    }

    static CompareReport replay(Scenario s, Path dir) {
        Comparison c = new Comparison(SimCapture.run(s, 1));
        CapturePoints.resolve(List.of(dir), Map.of()).forEach(c::compare);
        return c.report();
    }

    @TestFactory
    Stream<DynamicTest> everyCapturedScenarioAgreesWithTheSimulatorButForItsKnownDifferences() throws Exception {
        List<Path> dirs = suite();
        Assumptions.assumeFalse(dirs.isEmpty(), "no pcaps/*/manifest.json");
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> {
            CompareReport r = replay(scenarioOf(d), d);
            assertTrue(r.notCaptured().isEmpty(), "hosts without a capture: " + r.notCaptured());
            assertTrue(r.points().stream().mapToLong(Comparison.PointStats::agreed).sum() > 0, "nothing compared");
            // what the real kernel did and fnlab does not (yet) model is listed in the manifest, reviewed:
            // a fix shows up as a known difference gone, a regression as a new one
            List<String> known = new java.util.ArrayList<>();
            JsonNode k = new ObjectMapper().readTree(d.resolve("manifest.json").toFile()).get("knownDifferences");
            if (k != null) k.forEach(x -> known.add(x.asText()));
            List<String> actual = new java.util.ArrayList<>(r.differences().stream().map(Difference::headline).toList());
            java.util.Collections.sort(known);
            java.util.Collections.sort(actual);
            assertEquals(known, actual, r.text());
        }));
    }

    /** One packet's destination edited in a copy of a suite capture: caught, with the trace step that predicted it. */
    @Test
    void anEditedCopyIsCaughtWithThePredictingStep(@TempDir Path tmp) throws Exception {
        List<Path> dirs = suite();
        Assumptions.assumeFalse(dirs.isEmpty(), "no pcaps/*/manifest.json");
        Path src = dirs.get(0);
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.toList()) Files.copy(f, tmp.resolve(f.getFileName()));
        }
        Scenario sc = scenarioOf(tmp.resolve("."));
        // the first TCP packet with data in the largest capture: its destination's last octet becomes 99
        Path victim = null;
        long victimIndex = -1;
        long most = -1;
        for (var e : CapturePoints.resolve(List.of(tmp), Map.of()).entrySet()) {
            List<CapturedPacket> ps = CaptureStream.readAll(e.getValue());
            CapturedPacket data = ps.stream().filter(p -> p.protocol() == 6 && p.payloadLength() > 0).findFirst().orElse(null);
            if (data != null && ps.size() > most) {
                most = ps.size();
                victim = e.getValue();
                victimIndex = data.index();
            }
        }
        assertNotNull(victim, "no TCP data packet in " + src);
        long idx = victimIndex;
        PcapEdit.rewrite(victim, (i, b, ip) -> { if (i == idx) b[ip + 19] = (byte) 99; });
        CompareReport r = replay(sc, tmp);
        assertFalse(r.agrees());
        Difference d = r.differences().stream().filter(x -> x.captured() != null && x.captured().index() == idx).findFirst().orElseThrow(
                () -> new AssertionError("the edited packet is not reported:\n" + r.text()));
        assertEquals(Difference.Kind.DIFFERS, d.kind(), r.text());
        assertTrue(d.fields().stream().anyMatch(f -> f.startsWith("dst: captured ") && f.contains(".99,")), d.fields().toString());
        Step step = d.simulated().step();
        assertTrue(step instanceof Step.Transmitted || step instanceof Step.Received, String.valueOf(step));
        assertTrue(r.text().contains("predicted by: "), r.text());
    }
}
