package io.fnlab.lab.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a HostExport into DIR/&lt;host&gt;/, apply.sh executable. */
public final class ExportWriter {
    private ExportWriter() {}

    public static Path write(HostExport e, Path dir) throws IOException {
        Path d = dir.resolve(safeName(e.host()));
        Files.createDirectories(d);
        for (var f : e.files().entrySet()) {
            Path p = d.resolve(f.getKey());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
            if (f.getKey().endsWith(".sh")) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return d;
    }

    /** A host name as a directory name: nothing that climbs out of DIR. */
    static String safeName(String host) {
        String s = host.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
