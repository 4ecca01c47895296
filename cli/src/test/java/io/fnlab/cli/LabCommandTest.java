package io.fnlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fnlab lab run with several scenarios: bad input is refused (exit 2) before any lab work, on any machine. */
class LabCommandTest {
    static final String A = "../scenarios/modes-nat.yaml";
    static final String B = "../scenarios/modes-dr.yaml";

    @Test
    void aMissingScenarioAmongSeveralIsBadInput(@TempDir Path out) {
        CliTest.Run r = CliTest.run("lab", "run", A, "../scenarios/nope.yaml", "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit(), r.err());
        assertTrue(r.err().contains("no such file: ../scenarios/nope.yaml"), r.err());
    }

    @Test
    void twoFilesThatWouldShareADirectoryAreBadInput(@TempDir Path dir) throws Exception {
        Path x = Files.createDirectories(dir.resolve("x")).resolve("modes-nat.yaml");
        Files.copy(Path.of(A), x);
        CliTest.Run r = CliTest.run("lab", "run", A, x.toString(), "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit(), r.err());
        assertTrue(r.err().contains("would both write modes-nat/"), r.err());
    }

    @Test
    void keepAndBadLanesAreRefused(@TempDir Path out) {
        CliTest.Run keep = CliTest.run("lab", "run", A, B, "--keep", "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, keep.exit(), keep.err());
        assertTrue(keep.err().contains("--keep takes one scenario"), keep.err());
        CliTest.Run lanes = CliTest.run("lab", "run", A, B, "--lanes", "0", "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, lanes.exit(), lanes.err());
    }

    @Test
    void aScenarioThatDoesNotParseIsBadInputWithItsLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nhosts: 3\n");
        CliTest.Run r = CliTest.run("lab", "run", A, bad.toString(), "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exit(), r.err());
        assertTrue(r.err().startsWith("fnlab: " + bad), r.err());
    }
}
