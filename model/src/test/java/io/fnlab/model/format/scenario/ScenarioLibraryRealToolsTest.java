package io.fnlab.model.format.scenario;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The library again, this time with the real tool models and format readers wherever they are
 * on the class path (FakeTools only fill the gaps). Until other modules' ToolCommands and
 * ConfigFormats are merged this skips itself; afterwards it checks every command of every
 * scenario against the real models: no ParseError anywhere, and no ERROR diagnostic in a
 * scenario that is expected to hold.
 */
class ScenarioLibraryRealToolsTest {
    private static boolean fake(Class<?> c) {
        return c.getName().startsWith(FakeTools.class.getName());
    }

    static Toolbox realFirst() {
        Map<String, ToolCommand> tools = new LinkedHashMap<>();
        ServiceLoader.load(ToolCommand.class, ToolCommand.class.getClassLoader()).stream()
                .filter(p -> !fake(p.type())).forEach(p -> tools.putIfAbsent(p.get().tool(), p.get()));
        Map<String, ConfigFormat> formats = new LinkedHashMap<>();
        ServiceLoader.load(ConfigFormat.class, ConfigFormat.class.getClassLoader()).stream()
                .filter(p -> !fake(p.type())).forEach(p -> formats.putIfAbsent(p.get().kind(), p.get()));
        boolean anyReal = !tools.isEmpty() || formats.keySet().stream().anyMatch(k -> !k.equals("script") && !k.equals("sysctl-conf"));
        Assumptions.assumeTrue(anyReal, "no real tool models or format readers on the class path yet");
        HostScript.discovered().tools().forEach(tools::putIfAbsent);
        ConfigFormats.discovered().forEach(formats::putIfAbsent);
        return new Toolbox(new HostScript(tools), formats);
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioAppliesWithTheRealModels() {
        Toolbox box = realFirst();
        return Library.files().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Scenario s;
            try {
                s = ScenarioReader.read(f, box);
            } catch (ParseError e) {
                throw new AssertionError(e.getMessage(), e);
            }
            if (s.expectedVerdict().equals("holds"))
                for (Host h : s.hosts())
                    for (Diagnostic d : h.config().diagnostics())
                        assertNotEquals(Diagnostic.Severity.ERROR, d.severity(), () -> h.name() + ": " + d);
        }));
    }

    static Path dir() {
        return Library.dir();
    }
}
