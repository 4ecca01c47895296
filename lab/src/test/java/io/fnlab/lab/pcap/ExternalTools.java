package io.fnlab.lab.pcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real tools (tcpdump, tshark, ip) for tests; output and exit code together. */
final class ExternalTools {
    private ExternalTools() {}

    record Result(int exit, String out, String err) {}

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd));
    }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("fnlab-tool", ".out"), err = Files.createTempFile("fnlab-tool", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** tshark's stderr without its as-root warning. */
    static List<String> realWarnings(String err) {
        List<String> out = new ArrayList<>();
        for (String l : err.split("\n")) {
            if (l.isBlank() || l.startsWith("Running as user \"root\"")) continue;
            out.add(l);
        }
        return out;
    }
}
