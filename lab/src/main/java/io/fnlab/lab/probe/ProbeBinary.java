package io.fnlab.lab.probe;

import io.fnlab.lab.netns.Exec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The fnlab-probe program: its C source ships as a resource and is compiled with
 * {@code gcc -static -O2} on first use, so the one binary runs on the host and in the busybox VM.
 */
public final class ProbeBinary {
    public static final String RESOURCE = "/io/fnlab/lab/probe/fnlab-probe.c";

    private ProbeBinary() {}

    public static String source() {
        try (InputStream in = ProbeBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("probe source missing from the classpath: " + RESOURCE);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles the probe into {@code out} (a file path). */
    public static Path compile(Path out) {
        try {
            Path dir = Files.createTempDirectory("fnlab-probe-");
            try {
                Path src = dir.resolve("fnlab-probe.c");
                Files.writeString(src, source());
                Path tmp = dir.resolve("fnlab-probe");
                Exec.check(Duration.ofMinutes(2), dir, "gcc", "-static", "-O2", "-o", tmp.toString(), src.toString());
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
                return out;
            } finally {
                Exec.deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host build, cached under the fnlab cache directory by source hash. */
    public static synchronized Path host() {
        Path p = cacheRoot().resolve("probe").resolve(sourceHash()).resolve("fnlab-probe");
        if (!Files.isExecutable(p)) compile(p);
        return p;
    }

    public static String sourceHash() {
        return sha256(source()).substring(0, 16);
    }

    /** $FNLAB_CACHE, or ~/.cache/fnlab. */
    public static Path cacheRoot() {
        String env = System.getenv("FNLAB_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "fnlab");
    }

    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
