package io.fnlab.model.format.scenario;

import io.fnlab.model.parse.SourceRef;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each node starts (Jackson's tree model forgets
 * locations, and every scenario error must name file, line and column).
 */
public sealed interface YamlNode {
    SourceRef where();

    /** A human word for the node's type, for "expected a list, got a mapping". */
    String kindName();

    /** Keys keep document order; each key remembers its own location. */
    record YMap(Map<String, Entry> entries, SourceRef where) implements YamlNode {
        public record Entry(String key, SourceRef keyAt, YamlNode value) {}

        @Override
        public String kindName() {
            return "a mapping";
        }
    }

    record YSeq(List<YamlNode> items, SourceRef where) implements YamlNode {
        @Override
        public String kindName() {
            return "a list";
        }
    }

    /**
     * A scalar: text as written, type as the YAML core schema resolved it (string, int, float,
     * bool, null). textLine/textColumn is where the text itself starts in the file: for a `|`
     * block that is the line after the indicator, at the block's indentation, so that line N of
     * the text is line textLine+N-1 of the file (exact for `|` blocks and one-line scalars).
     * style is how it was written: '|' literal block, '>' folded block, '"' or '\'' quoted,
     * ' ' plain.
     */
    record YScalar(String text, Type type, int textLine, int textColumn, char style, SourceRef where) implements YamlNode {
        public enum Type { STRING, INT, FLOAT, BOOL, NULL }

        @Override
        public String kindName() {
            return switch (type) {
                case STRING -> "a string";
                case INT -> "an integer";
                case FLOAT -> "a number";
                case BOOL -> "a boolean";
                case NULL -> "nothing (null)";
            };
        }
    }
}
