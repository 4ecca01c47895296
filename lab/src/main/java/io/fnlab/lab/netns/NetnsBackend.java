package io.fnlab.lab.netns;

import io.fnlab.lab.probe.ProbeBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link LabPlan} on this machine's kernel in fresh network namespaces (never touching the
 * root namespace: bridges live in their own namespace too). Everything is torn down afterwards by
 * the script's trap, again from here in a finally block, and from a shutdown hook if the JVM is
 * interrupted mid-run. This kernel has no IPVS: IPVS cases belong in the VM backend.
 */
public final class NetnsBackend {
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** Why this backend cannot run here, or empty. */
    public static Optional<String> unavailableReason() {
        if (!Exec.isRoot()) return Optional.of("the netns lab needs root");
        for (String t : List.of("ip", "tcpdump", "gcc", "iptables")) {
            if (!Exec.onPath(t)) return Optional.of(t + " is not installed");
        }
        Exec.Result r = Exec.run(Duration.ofSeconds(10), null, "ip", "netns", "list");
        if (!r.ok()) return Optional.of("ip netns does not work here: " + r.output());
        return Optional.empty();
    }

    public LabResult run(LabPlan plan, Duration timeout) {
        String prefix = "fnlab-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        Path tmp = null;
        Thread hook = null;
        try {
            tmp = Files.createTempDirectory("fnlab-netns-");
            Path out = tmp.resolve("out");
            Path script = tmp.resolve("case.sh");
            Files.writeString(script, LabScript.standalone(plan, prefix, out.toString(), ProbeBinary.host().toString()));
            Path dir = tmp;
            Path scriptPath = script;
            hook = new Thread(() -> {
                // the JVM is going away (Ctrl-C): stop our case script first, then what it left behind
                ProcessHandle.current().descendants()
                        .filter(ph -> ph.info().arguments().map(a -> String.join(" ", a).contains(scriptPath.toString())).orElse(false))
                        .forEach(ph -> { ph.descendants().forEach(ProcessHandle::destroyForcibly); ph.destroyForcibly(); });
                removeNamespaces(prefix);
                Exec.deleteTree(dir);
            }, "fnlab-netns-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            Exec.Result r = Exec.run(timeout, tmp, "sh", script.toString());
            removeNamespaces(prefix);
            Map<String, byte[]> files = new HashMap<>();
            if (Files.isDirectory(out)) {
                try (var s = Files.list(out)) {
                    for (Path f : s.toList()) if (Files.isRegularFile(f)) files.put(f.getFileName().toString(), Files.readAllBytes(f));
                }
            }
            return new LabResult(plan.name(), r.timedOut() ? -1 : r.exitCode(), r.output(), files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            removeNamespaces(prefix);
            Exec.deleteTree(tmp);
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down: the hook runs anyway
                }
            }
        }
    }

    /** Kills what runs in, and deletes, every namespace of this run (the script's trap may not have run). */
    static void removeNamespaces(String prefix) {
        for (String ns : namespaces(prefix + "-")) {
            Exec.run(Duration.ofSeconds(10), null, "sh", "-c",
                    "for p in $(ip netns pids " + ns + "); do kill -KILL $p; done; ip netns del " + ns);
        }
    }

    /** Names of the namespaces that start with prefix (ip netns list prints "name (id: N)"). */
    public static List<String> namespaces(String prefix) {
        Exec.Result r = Exec.run(Duration.ofSeconds(10), null, "ip", "netns", "list");
        return r.output().lines().map(l -> l.split("\\s+")[0]).filter(n -> n.startsWith(prefix)).toList();
    }
}
