package io.fnlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompareCommandTest {
    static final String SCENARIO = "../scenarios/seed002-nat-masquerade.yaml";

    record Run(int code, String out, String err) {}

    static Run run(Object cmd, String... args) {
        CommandLine cl = new CommandLine(cmd);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void simulatedCapturesAgreeDamagedOnesAreBadInputEditedOnesDiffer(@TempDir Path tmp) throws Exception {
        Run sim = run(new SimulateCommand(), SCENARIO, "--pcap-dir", tmp.toString());
        assertEquals(0, sim.code(), sim.err());
        assertTrue(sim.out().contains("master02.pcap (16 packets)"), sim.out());

        Run ok = run(new CompareCommand(), SCENARIO, tmp.toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("verdict: captures agree"), ok.out());

        Run json = run(new CompareCommand(), "--format", "json", SCENARIO, "--point", "rs2=" + tmp.resolve("rs2.pcap"));
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().contains("\"agrees\" : true"), json.out());
        assertTrue(json.out().contains("\"notCaptured\" : [ \"master01\", \"master02\", \"rs1\" ]"), json.out());

        Path f = tmp.resolve("master01.pcap");
        byte[] b = Files.readAllBytes(f);
        byte[] edited = b.clone();
        edited[24 + 16 + 20 + 19] = 77; // first packet's destination, last octet
        Files.write(f, edited);
        Run diff = run(new CompareCommand(), SCENARIO, tmp.toString());
        assertEquals(1, diff.code(), diff.out() + diff.err());
        assertTrue(diff.out().contains("DIFFERS at master01 OUT: dst: captured 100.222.111.77"), diff.out());
        assertTrue(diff.out().contains("predicted by: curl p1: master01 Transmitted"), diff.out());

        Files.write(f, Arrays.copyOf(b, b.length - 7));
        Run bad = run(new CompareCommand(), SCENARIO, tmp.toString());
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("master01.pcap"), bad.err());
    }

    @Test
    void aCaptureWithoutAHostNameIsBadInput(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("capture.bin"), "x");
        Run r = run(new CompareCommand(), SCENARIO, f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--point HOST=FILE"), r.err());
        Run unknown = run(new CompareCommand(), SCENARIO, "--point", "nosuch=" + f);
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("nosuch"), unknown.err());
    }

    @Test
    void keepIsRefusedForTheVmBackend(@TempDir Path tmp) {
        Run r = run(new LabCommand(), "run", "--keep", "--backend", "vm", SCENARIO, "--out", tmp.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--keep is not available with the VM backend"), r.err());
    }
}
