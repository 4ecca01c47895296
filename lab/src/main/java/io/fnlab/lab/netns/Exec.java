package io.fnlab.lab.netns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands for the lab backends: collects output, enforces a timeout, kills the whole tree. */
public final class Exec {
    private Exec() {}

    /** What a finished command left behind; timedOut means it was killed. */
    public record Result(int exitCode, String output, boolean timedOut) {
        public boolean ok() { return exitCode == 0 && !timedOut; }
    }

    public static Result run(Duration timeout, Path cwd, String... cmd) {
        return run(timeout, cwd, List.of(cmd));
    }

    public static Result run(Duration timeout, Path cwd, List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (cwd != null) pb.directory(cwd.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(127, cmd.get(0) + ": " + e.getMessage(), false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = drain(p.getInputStream(), out);
        try {
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) kill(p);
            reader.join(2000);
            return new Result(done ? p.exitValue() : -1, out.toString(StandardCharsets.UTF_8), !done);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return new Result(-1, out.toString(StandardCharsets.UTF_8), true);
        }
    }

    /** Like run, but throws when the command fails: for build steps whose failure is fatal. */
    public static String check(Duration timeout, Path cwd, String... cmd) {
        Result r = run(timeout, cwd, cmd);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + r.exitCode()
                    + (r.timedOut() ? ", timed out" : "") + "):\n" + r.output());
        }
        return r.output();
    }

    public static Thread drain(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (sink) { sink.write(buf, 0, n); }
                }
            } catch (IOException ignored) {
                // the process died; what we have is what there is
            }
        }, "fnlab-exec-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Kills a process and all its descendants (children first, so none gets re-parented and lost). */
    public static void kill(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    public static boolean isRoot() {
        Result r = run(Duration.ofSeconds(5), null, "id", "-u");
        return r.ok() && r.output().trim().equals("0");
    }

    /** Deletes a directory tree; used in finally blocks, so it never throws. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try { Files.deleteIfExists(f); } catch (IOException ignored) { /* best effort */ }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
