package io.fnlab.model.format.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the repository's scenarios/ directory from the module directory tests run in. */
final class Library {
    private Library() {}

    static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path s = p.resolve("scenarios");
            if (Files.isDirectory(s) && Files.exists(p.resolve("pom.xml"))) return s;
            p = p.getParent();
        }
        throw new IllegalStateException("no scenarios/ directory above " + Path.of("").toAbsolutePath());
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
