package io.fnlab.model.format.scenario;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.parse.ParseError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The YAML examples in docs/scenario-format.md are valid YAML, and the error examples are real messages. */
class FormatDocTest {
    private static String doc() throws IOException {
        return Files.readString(Library.dir().getParent().resolve("docs/scenario-format.md"));
    }

    @Test
    void everyYamlExampleIsWellFormed() throws IOException {
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc());
        List<String> blocks = new ArrayList<>();
        while (m.find()) blocks.add(m.group(1));
        assertTrue(blocks.size() >= 12, "examples: " + blocks.size());
        for (String b : blocks) {
            try {
                YamlTree.parse("doc", b);
            } catch (ParseError e) {
                fail("bad example: " + e + "\n" + b);
            }
        }
    }

    @Test
    void theUnknownFieldExampleIsWhatTheReaderSays() throws IOException {
        String yaml = ScenarioReaderTest.MINIMAL.replace("        segment: lan\n", "        segmnet: lan\n");
        ParseError e = assertThrows(ParseError.class, () -> ScenarioReader.parse(yaml, Path.of("scenarios/x.yaml")));
        assertTrue(doc().contains(e.getMessage()), "docs should quote: " + e.getMessage());
    }
}
