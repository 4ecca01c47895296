package io.fnlab.lab.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which capture file belongs to which capture point (host): an explicit HOST=FILE, a directory with
 * a manifest.json ({"points": {"HOST": "FILE"}}, as fnlab lab run writes), a directory of
 * HOST.pcap/HOST.pcapng files, or a file named HOST.pcap / HOST.pcapng.
 */
public final class CapturePoints {
    private CapturePoints() {}

    public static Map<String, Path> resolve(List<Path> captures, Map<String, Path> explicit) {
        Map<String, Path> out = new LinkedHashMap<>(explicit);
        for (Path c : captures) {
            if (Files.isDirectory(c)) {
                Path manifest = c.resolve("manifest.json");
                if (Files.isRegularFile(manifest)) {
                    fromManifest(manifest).forEach(out::putIfAbsent);
                } else {
                    try (var s = Files.list(c)) {
                        for (Path f : s.sorted().toList()) {
                            String h = hostOf(f);
                            if (h != null) out.putIfAbsent(h, f);
                        }
                    } catch (IOException e) {
                        throw new ParseError(SourceRef.of(c.toString(), 0), "cannot list directory: " + e.getMessage());
                    }
                }
            } else {
                String h = hostOf(c);
                if (h == null) throw new ParseError(SourceRef.of(c.toString(), 0),
                        "cannot tell the capture point: name the file HOST.pcap or HOST.pcapng, or give --point HOST=FILE");
                out.putIfAbsent(h, c);
            }
        }
        return out;
    }

    /** The host of HOST.pcap or HOST.pcapng, else null. */
    public static String hostOf(Path f) {
        String n = f.getFileName().toString();
        if (n.endsWith(".pcapng")) return n.substring(0, n.length() - 7);
        if (n.endsWith(".pcap")) return n.substring(0, n.length() - 5);
        return null;
    }

    public static Map<String, Path> fromManifest(Path manifest) {
        try {
            JsonNode n = new ObjectMapper().readTree(manifest.toFile());
            JsonNode points = n.get("points");
            if (points == null || !points.isObject()) throw new ParseError(SourceRef.of(manifest.toString(), 1), "expected an object \"points\": {\"HOST\": \"FILE\"}");
            Map<String, Path> out = new LinkedHashMap<>();
            var it = points.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isTextual()) throw new ParseError(SourceRef.of(manifest.toString(), 1), "points." + e.getKey() + " must be a file name");
                out.put(e.getKey(), manifest.resolveSibling(e.getValue().asText()));
            }
            return out;
        } catch (IOException e) {
            throw new ParseError(SourceRef.of(manifest.toString(), 1), "not JSON: " + e.getMessage());
        }
    }
}
