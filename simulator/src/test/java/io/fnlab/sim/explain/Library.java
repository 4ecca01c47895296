package io.fnlab.sim.explain;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;

/** The library scenarios, read from the repository's scenarios/ directory. */
final class Library {
    static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("scenarios");
            if (Files.isRegularFile(d.resolve("seed000-fullnat.yaml"))) return d;
        }
        throw new IllegalStateException("scenarios/ not found above " + Path.of("").toAbsolutePath());
    }

    static Scenario read(String name) {
        return ScenarioReader.read(dir().resolve(name + ".yaml"));
    }

    private Library() {}
}
