package io.fnlab.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.netns.Exec;
import io.fnlab.lab.netns.NetnsBackend;
import io.fnlab.lab.vm.VmImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch lab run interrupted (SIGTERM, as Ctrl-C's shutdown path) in a child JVM with its own
 * temp directory: nothing may stay behind, neither the VM (qemu and its initrd directory) nor the
 * namespaces with their tcpdump and probe processes.
 */
class LabBatchCleanupTest {
    static final Path NETNS_SCENARIO = Path.of("src/test/resources/io/fnlab/lab/run/no-route-back.yaml");

    static Process child(Path tmp, Path out, Path log, String... scenarios) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                BatchMain.class.getName(), out.toString()));
        cmd.addAll(List.of(scenarios));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static <T> Optional<T> await(Duration max, java.util.function.Supplier<Optional<T>> what) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            Optional<T> v = what.get();
            if (v.isPresent()) return v;
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    static List<String> leftIn(Path tmp) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @Tag("vm")
    void anInterruptedVmBatchLeavesNoQemuAndNoTempFiles(@TempDir Path dir) throws Exception {
        VmImage.unavailableReason().ifPresent(r -> Assumptions.abort("VM lab unavailable: " + r));
        Assumptions.assumeTrue(Exec.isRoot(), "the VM lab runs as root");
        VmImage.ensure(); // built (or found) here, not in the child
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("child.log");
        Process p = child(tmp, dir.resolve("out"), log, "../scenarios/modes-nat.yaml", "../scenarios/modes-dr.yaml");
        try {
            Optional<ProcessHandle> qemu = await(Duration.ofMinutes(2), () -> p.descendants()
                    .filter(h -> h.info().command().map(c -> c.contains("qemu")).orElse(false)).findFirst());
            assertTrue(qemu.isPresent(), "no qemu started: " + Files.readString(log));
            Thread.sleep(3000); // the guest is booting or running cases
            p.destroy(); // SIGTERM: the JVM's shutdown hooks run
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the interrupted run did not end");
            assertTrue(await(Duration.ofSeconds(10), () -> qemu.get().isAlive() ? Optional.empty() : Optional.of(true)).isPresent(),
                    "qemu " + qemu.get().pid() + " still runs");
            assertEquals(List.of(), leftIn(tmp), "temp files left behind");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    @Tag("kernel")
    void anInterruptedNetnsBatchLeavesNoNamespaceProcessOrTempFile(@TempDir Path dir) throws Exception {
        NetnsBackend.unavailableReason().ifPresent(r -> Assumptions.abort("netns lab unavailable: " + r));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("child.log");
        Process p = child(tmp, dir.resolve("out"), log, NETNS_SCENARIO.toString());
        String prefix = "fnlab-" + p.pid() + "-";
        try {
            // the flow waits out its 10 s timeout: interrupt it while the namespaces, tcpdumps and probes are up
            Optional<List<String>> up = await(Duration.ofMinutes(1), () -> {
                List<String> ns = NetnsBackend.namespaces(prefix);
                return ns.size() == 4 && pids(ns).size() >= 4 ? Optional.of(ns) : Optional.empty();
            });
            assertTrue(up.isPresent(), "the namespaces did not come up: " + Files.readString(log));
            Thread.sleep(1000);
            List<Long> inside = pids(up.get());
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the interrupted run did not end");
            assertEquals(List.of(), NetnsBackend.namespaces(prefix), "namespaces left behind");
            for (long pid : inside) {
                // SIGKILL is delivered asynchronously: give the kernel a moment to reap
                boolean gone = await(Duration.ofSeconds(10),
                        () -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? Optional.empty() : Optional.of(true)).isPresent();
                assertTrue(gone, "process " + pid + " still runs: " + ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?"));
            }
            assertEquals(List.of(), leftIn(tmp), "temp files left behind");
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            for (String ns : NetnsBackend.namespaces(prefix))
                Exec.run(Duration.ofSeconds(10), null, "sh", "-c", "for q in $(ip netns pids " + ns + "); do kill -KILL $q; done; ip netns del " + ns);
        }
    }

    /** tcpdump, probe servers and clients running inside the namespaces. */
    static List<Long> pids(List<String> namespaces) {
        List<Long> out = new ArrayList<>();
        for (String ns : namespaces) {
            Exec.Result r = Exec.run(Duration.ofSeconds(10), null, "ip", "netns", "pids", ns);
            r.output().lines().map(String::strip).filter(l -> l.matches("\\d+")).forEach(l -> out.add(Long.parseLong(l)));
        }
        return out;
    }
}
