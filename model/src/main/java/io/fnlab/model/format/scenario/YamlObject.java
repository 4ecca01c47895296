package io.fnlab.model.format.scenario;

import io.fnlab.model.format.scenario.YamlNode.YMap;
import io.fnlab.model.format.scenario.YamlNode.YScalar;
import io.fnlab.model.format.scenario.YamlNode.YSeq;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.List;
import java.util.function.Function;

/**
 * A YAML mapping read as one schema object ("a host", "a flow"): unknown keys are rejected with
 * the list of allowed ones, and every typed getter reports a wrong type at the value's own
 * location.
 */
final class YamlObject {
    private final YMap map;
    private final String what;

    /** Checks that node is a mapping whose keys are all in allowed. */
    YamlObject(YamlNode node, String what, List<String> allowed) {
        if (!(node instanceof YMap m))
            throw new ParseError(node.where(), what + ": expected a mapping (key: value lines), got " + node.kindName());
        this.map = m;
        this.what = what;
        for (YMap.Entry e : m.entries().values())
            if (!allowed.contains(e.key()))
                throw new ParseError(e.keyAt(), "unknown field '" + e.key() + "' in " + what + "; allowed: " + String.join(", ", allowed));
    }

    SourceRef where() {
        return map.where();
    }

    boolean has(String key) {
        return map.entries().containsKey(key);
    }

    YamlNode node(String key) {
        YMap.Entry e = map.entries().get(key);
        return e == null ? null : e.value();
    }

    /** Where key's value is (its key when the value is null), or the object itself when absent. */
    SourceRef at(String key) {
        YMap.Entry e = map.entries().get(key);
        return e == null ? map.where() : e.value().where();
    }

    SourceRef keyAt(String key) {
        YMap.Entry e = map.entries().get(key);
        return e == null ? map.where() : e.keyAt();
    }

    YamlNode required(String key) {
        YamlNode n = node(key);
        if (n == null) throw new ParseError(map.where(), what + ": missing required field '" + key + "'");
        return n;
    }

    /** A required scalar as text (numbers and booleans are taken as written; null is refused). */
    String string(String key) {
        return text(required(key), key);
    }

    String string(String key, String dflt) {
        YamlNode n = node(key);
        return n == null ? dflt : text(n, key);
    }

    String text(YamlNode n, String key) {
        if (n instanceof YScalar s && s.type() != YScalar.Type.NULL) return s.text();
        throw new ParseError(n.where(), what + ": '" + key + "' must be a text value, got " + n.kindName());
    }

    int integer(String key, int min, int max) {
        return integer(required(key), key, min, max);
    }

    Integer integer(String key, int min, int max, Integer dflt) {
        YamlNode n = node(key);
        return n == null ? dflt : Integer.valueOf(integer(n, key, min, max));
    }

    int integer(YamlNode n, String key, int min, int max) {
        if (!(n instanceof YScalar s) || s.type() != YScalar.Type.INT)
            throw new ParseError(n.where(), what + ": '" + key + "' must be an integer, got " + n.kindName());
        long v;
        try {
            v = Long.parseLong(s.text().replace("_", "").replaceFirst("^\\+", ""));
        } catch (NumberFormatException e) {
            throw new ParseError(n.where(), what + ": '" + key + "' must be a decimal integer, got '" + s.text() + "'");
        }
        if (v < min || v > max)
            throw new ParseError(n.where(), what + ": '" + key + "' must be between " + min + " and " + max + ", got " + v);
        return (int) v;
    }

    boolean bool(String key, boolean dflt) {
        YamlNode n = node(key);
        if (n == null) return dflt;
        if (n instanceof YScalar s && s.type() == YScalar.Type.BOOL) return Boolean.parseBoolean(s.text().toLowerCase());
        throw new ParseError(n.where(), what + ": '" + key + "' must be true or false, got " + n.kindName());
    }

    /** An optional list (absent = empty). */
    List<YamlNode> list(String key) {
        YamlNode n = node(key);
        if (n == null) return List.of();
        if (n instanceof YSeq s) return s.items();
        throw new ParseError(n.where(), what + ": '" + key + "' must be a list, got " + n.kindName());
    }

    YMap mapping(String key) {
        YamlNode n = node(key);
        if (n == null) return null;
        if (n instanceof YMap m) return m;
        throw new ParseError(n.where(), what + ": '" + key + "' must be a mapping, got " + n.kindName());
    }

    /** A text value converted by parse; its IllegalArgumentException becomes a ParseError at the value. */
    <T> T parsed(String key, Function<String, T> parse, String expected) {
        return convert(required(key), key, parse, expected);
    }

    <T> T parsed(String key, Function<String, T> parse, String expected, T dflt) {
        YamlNode n = node(key);
        return n == null ? dflt : convert(n, key, parse, expected);
    }

    <T> T convert(YamlNode n, String key, Function<String, T> parse, String expected) {
        String t = text(n, key);
        try {
            return parse.apply(t.strip());
        } catch (IllegalArgumentException e) {
            throw new ParseError(n.where(), what + ": '" + key + "' must be " + expected + ", got '" + t + "'");
        }
    }
}
