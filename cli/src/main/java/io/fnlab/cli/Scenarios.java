package io.fnlab.cli;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finding and reading scenario files for the commands. */
final class Scenarios {
    /** The default scenario: seed 000's kube-proxy-style fullnat, corrected. */
    static final String DEFAULT = "scenarios/seed000-fullnat.yaml";

    static Path home() {
        String h = System.getProperty("fnlab.home", System.getenv("FNLAB_HOME"));
        return h == null ? Path.of(".") : Path.of(h);
    }

    static Path resolveDefault() {
        Path p = home().resolve(DEFAULT);
        if (!Files.isRegularFile(p)) p = Path.of(DEFAULT);
        if (!Files.isRegularFile(p))
            throw new UserError("no scenario given and the default " + DEFAULT + " is not there (run from the fnlab checkout or set FNLAB_HOME)");
        return p;
    }

    static Scenario read(Path p) throws IOException {
        if (!Files.isRegularFile(p)) throw new java.nio.file.NoSuchFileException(p.toString());
        return ScenarioReader.read(p);
    }

    private Scenarios() {}
}
