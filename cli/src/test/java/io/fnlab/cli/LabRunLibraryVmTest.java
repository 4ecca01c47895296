package io.fnlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnlab.lab.netns.Exec;
import io.fnlab.lab.vm.VmImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6's end-to-end check: {@code fnlab lab run scenarios/*.yaml} exports every library
 * scenario, runs them all in ONE VM boot (every one has IPVS services) with each host set up by
 * its exported apply.sh, captures on every host and compares with the simulation; every scenario
 * must agree, with no packet lost by tcpdump.
 */
@Tag("vm")
class LabRunLibraryVmTest {
    @Test
    void everyLibraryScenarioAgreesWithTheSimulationInOneVmBoot(@TempDir Path out) throws Exception {
        VmImage.unavailableReason().ifPresent(r -> Assumptions.abort("VM lab unavailable: " + r));
        Assumptions.assumeTrue(Exec.isRoot(), "the VM lab runs as root (apt-get download of the kernel, as in CI)");
        System.setProperty("fnlab.home", "..");
        List<String> args = new ArrayList<>(List.of("lab", "run"));
        try (Stream<Path> s = Files.list(Path.of("../scenarios"))) {
            s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> args.add(p.toString()));
        }
        int scenarios = args.size() - 2;
        args.addAll(List.of("--out", out.toString(), "--format", "json"));
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // kept in target/surefire-reports/*-output.txt
        System.out.println("lab run of " + scenarios + " scenarios (one VM boot): " + ms + " ms, exit " + r.exit());
        System.out.println(Files.readString(out.resolve("summary.txt")));
        System.out.println(r.err());

        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(scenarios, j.get("scenarios").size(), r.out());
        List<String> problems = new ArrayList<>();
        boolean allAgree = true;
        for (JsonNode row : j.get("scenarios")) {
            String name = row.get("scenario").asText();
            assertEquals("vm", row.get("backend").asText(), name);
            assertTrue(row.get("ran").asBoolean(), name + " did not run to its end: " + Files.readString(out.resolve(name).resolve("lab.log")));
            row.get("droppedByKernel").fields().forEachRemaining(e -> {
                if (e.getValue().asLong() != 0) problems.add(name + ": tcpdump on " + e.getKey() + " dropped " + e.getValue() + " packet(s)");
            });
            allAgree &= row.get("agrees").asBoolean();
            if (row.get("agrees").asBoolean()) continue;
            problems.add(name + ": " + row.get("differences").asLong() + " difference(s):\n"
                    + Files.readString(out.resolve(name).resolve("compare.txt")));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(allAgree);
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        // a single boot: every case's kernel is the same VM's
        java.util.Set<String> kernels = new java.util.TreeSet<>();
        j.get("scenarios").forEach(x -> kernels.add(x.get("kernel").asText()));
        assertEquals(1, kernels.size(), "kernels: " + kernels);
        // the lab left nothing running: no qemu under this JVM
        assertFalse(ProcessHandle.current().descendants().anyMatch(p -> p.isAlive()
                && p.info().command().map(c -> c.contains("qemu")).orElse(false)), "a qemu process was left running");
    }
}
