package io.fnlab.lab.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.pcap.CaptureStream;
import io.fnlab.lab.pcap.CapturedPacket;
import io.fnlab.lab.pcap.Direction;
import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.trace.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class SimCaptureCompareTest {
    static final Path MASQ = Paths.get("../scenarios/seed002-nat-masquerade.yaml");

    static CompareReport compareDir(Scenario s, Path dir) {
        Comparison c = new Comparison(SimCapture.run(s, 1));
        CapturePoints.resolve(List.of(dir), Map.of()).forEach(c::compare);
        return c.report();
    }

    /** Every library scenario: its simulated captures, written and read back, agree with the simulation. */
    @TestFactory
    Stream<DynamicTest> simulatedCapturesAgreeWithThemselves(@TempDir Path tmp) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Paths.get("../scenarios"))) {
            files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Scenario s = ScenarioReader.read(f);
            Path dir = tmp.resolve(f.getFileName().toString());
            SimCapture.run(s, 1).writePcaps(dir);
            CompareReport r = compareDir(s, dir);
            assertTrue(r.agrees(), r.text());
            assertTrue(r.points().stream().mapToLong(Comparison.PointStats::captured).sum() > 0, "no packets at all");
        }));
    }

    @Test
    void capturesCarryHostDirectionAndInterfaceIndex(@TempDir Path tmp) {
        SimCapture sim = SimCapture.run(ScenarioReader.read(MASQ), 1);
        sim.writePcaps(tmp);
        List<CapturedPacket> ps = CaptureStream.readAll(tmp.resolve("master02.pcap"));
        assertEquals(sim.at("master02").size(), ps.size());
        // the director forwards: every packet comes in and goes out again
        assertEquals(ps.stream().filter(p -> p.direction() == Direction.IN).count(), ps.stream().filter(p -> p.direction() == Direction.OUT).count());
        assertTrue(ps.stream().allMatch(p -> p.ifIndex() > 0));
        // each simulated packet is tied to the step that predicted it
        for (SimPacket p : sim.at("master02"))
            assertTrue(p.direction() == Direction.OUT ? p.step() instanceof Step.Transmitted : p.step() instanceof Step.Received, p.toString());
    }

    @Test
    void anEditedAddressIsReportedWithThePredictingStep(@TempDir Path tmp) throws Exception {
        Scenario s = ScenarioReader.read(MASQ);
        SimCapture.run(s, 1).writePcaps(tmp);
        // the director's second packet: the SYN leaving towards the real server; change its destination's last octet
        PcapEdit.rewrite(tmp.resolve("master02.pcap"), (i, b, ip) -> { if (i == 1) b[ip + 19] = (byte) 99; });
        CompareReport r = compareDir(s, tmp);
        assertFalse(r.agrees());
        assertEquals(1, r.differences().size(), r.text());
        Difference d = r.differences().get(0);
        assertEquals(Difference.Kind.DIFFERS, d.kind());
        assertEquals("master02", d.point());
        assertEquals(Direction.OUT, d.direction());
        assertTrue(d.fields().get(0).startsWith("dst: captured 1.65.15.99"), d.fields().toString());
        assertInstanceOf(Step.Transmitted.class, d.simulated().step());
        assertTrue(r.text().contains("predicted by:"), r.text());
        assertTrue(r.json().contains("\"step\" : \"Transmitted\""), r.json());
    }

    /** The client's ephemeral port and both ISNs are the kernel's choice: other values, consistently used, agree. */
    @Test
    void ephemeralPortsAndSequenceNumbersAreBoundNotCompared(@TempDir Path tmp) throws Exception {
        Scenario s = ScenarioReader.read(MASQ);
        SimCapture sim = SimCapture.run(s, 1);
        sim.writePcaps(tmp);
        int cport = sim.results().get(0).clientView().sport();
        for (String h : sim.points()) {
            PcapEdit.rewrite(tmp.resolve(h + ".pcap"), (i, b, ip) -> {
                int l4 = ip + 20;
                if (PcapEdit.u16(b, l4) == cport) PcapEdit.put16(b, l4, 40000);
                if (PcapEdit.u16(b, l4 + 2) == cport) PcapEdit.put16(b, l4 + 2, 40000);
                for (int o = 4; o <= 8; o += 4) { // seq and ack shifted by a constant
                    long v = ((b[l4 + o] & 0xffL) << 24 | (b[l4 + o + 1] & 0xff) << 16 | (b[l4 + o + 2] & 0xff) << 8 | (b[l4 + o + 3] & 0xff));
                    if (o == 8 && (b[l4 + 13] & 0x10) == 0) continue;
                    v = (v + 123456789L) & 0xffffffffL;
                    PcapEdit.put16(b, l4 + o, (int) (v >> 16));
                    PcapEdit.put16(b, l4 + o + 2, (int) v);
                }
            });
        }
        CompareReport r = compareDir(s, tmp);
        assertTrue(r.agrees(), r.text());
        // but the service's port is fixed by the scenario: changing it is a difference
        PcapEdit.rewrite(tmp.resolve("master01.pcap"), (i, b, ip) -> { if (i == 0) PcapEdit.put16(b, ip + 22, 8001); });
        CompareReport r2 = compareDir(s, tmp);
        assertFalse(r2.agrees());
        assertTrue(r2.differences().get(0).fields().stream().anyMatch(f -> f.startsWith("dport: captured 8001")), r2.text());
    }

    /** The final ACK of the close is the endpoint's timing: path mode lets it go, strict mode reports it missing. */
    @Test
    void aMissingPureAckCountsOnlyInStrictMode(@TempDir Path tmp) throws Exception {
        Scenario s = ScenarioReader.read(MASQ);
        SimCapture.run(s, 1).writePcaps(tmp);
        Path f = tmp.resolve("rs2.pcap");
        byte[] b = Files.readAllBytes(f);
        // drop the last record (16-byte header + 20 SLL2 + 40 IP/TCP of the final ACK)
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 76));
        assertTrue(compareDir(s, tmp).agrees());
        Comparison c = new Comparison(SimCapture.run(s, 1), true);
        CapturePoints.resolve(List.of(tmp), Map.of()).forEach(c::compare);
        CompareReport r = c.report();
        assertEquals(1, r.differences().size(), r.text());
        assertEquals(Difference.Kind.MISSING, r.differences().get(0).kind());
        assertNotNull(r.differences().get(0).simulated().step());
    }

    @Test
    void aDamagedCaptureIsAParseErrorWithTheFile(@TempDir Path tmp) throws Exception {
        Scenario s = ScenarioReader.read(MASQ);
        SimCapture.run(s, 1).writePcaps(tmp);
        Path f = tmp.resolve("rs2.pcap");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 10));
        ParseError e = assertThrows(ParseError.class, () -> compareDir(s, tmp));
        assertTrue(e.where().file().endsWith("rs2.pcap"), e.where().toString());
    }

    @Test
    void aCaptureForAnUnknownHostIsRefused(@TempDir Path tmp) throws Exception {
        Scenario s = ScenarioReader.read(MASQ);
        SimCapture.run(s, 1).writePcaps(tmp);
        Files.move(tmp.resolve("rs2.pcap"), tmp.resolve("nosuchhost.pcap"));
        assertThrows(IllegalArgumentException.class, () -> compareDir(s, tmp));
    }
}
