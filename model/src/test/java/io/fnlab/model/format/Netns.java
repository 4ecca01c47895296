package io.fnlab.model.format;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A throw-away network namespace for tests that compare fnlab with the real tools. */
public final class Netns implements AutoCloseable {
    public record Result(int rc, String out, String err) {}

    public final String name;
    /** Deletes the namespace if the JVM ends (e.g. an interrupted test run) before close(). */
    private final Thread cleanup;

    private Netns(String name) {
        this.name = name;
        this.cleanup = new Thread(() -> run(List.of("ip", "netns", "del", name)), "netns-cleanup-" + name);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Skips the test (with the reason) unless root and every tool are there. */
    public static Netns create(String purpose, String... tools) {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String t : tools)
            Assumptions.assumeTrue(onPath(t), t + " is not installed");
        Assumptions.assumeTrue(onPath("ip"), "iproute2 is not installed");
        String n = "fnlab-" + purpose + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000;
        Result r = run(List.of("ip", "netns", "add", n));
        Assumptions.assumeTrue(r.rc == 0, "cannot create a network namespace: " + r.err);
        return new Netns(n);
    }

    static boolean onPath(String t) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
            if (new File(d, t).canExecute()) return true;
        for (String d : List.of("/usr/sbin", "/sbin")) if (new File(d, t).canExecute()) return true;
        return false;
    }

    public Result exec(String... argv) {
        return exec(List.of(argv), null);
    }

    public Result exec(List<String> argv, String stdin) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(argv);
        return run(c, stdin);
    }

    static Result run(List<String> cmd) {
        return run(cmd, null);
    }

    static Result run(List<String> cmd, String stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
            Process p = pb.start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            Thread t = new Thread(() -> copy(p.getErrorStream(), err));
            t.start();
            copy(p.getInputStream(), out);
            t.join();
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        run(List.of("ip", "netns", "del", name));
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; deleting twice only fails quietly
        }
    }
}
