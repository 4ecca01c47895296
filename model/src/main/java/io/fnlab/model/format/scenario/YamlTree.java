package io.fnlab.model.format.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML document into {@link YamlNode}s with Jackson's streaming YAML parser, turning
 * every problem (syntax, duplicate keys, aliases, several documents) into a ParseError at the
 * place the parser was. Aliases and anchors are refused: scenario files are meant to be read by
 * people top to bottom.
 */
public final class YamlTree {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();
    private static final int MAX_DEPTH = 64;

    private final String file;
    private final String[] lines;
    private YAMLParser p;

    private YamlTree(String file, String text) {
        this.file = file;
        this.lines = text.split("\n", -1);
    }

    /** Parses text read from file (file is only used in locations). An empty document is an error. */
    public static YamlNode parse(String file, String text) {
        return new YamlTree(file, text).run(text);
    }

    private YamlNode run(String text) {
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(text)) {
            p = parser;
            JsonToken t = p.nextToken();
            if (t == null) throw new ParseError(new SourceRef(file, 1, 1), "the file is empty; expected a mapping with name, hosts, ...");
            YamlNode root = node(t, 0);
            JsonToken extra = p.nextToken();
            if (extra != null) throw new ParseError(tokenAt(), "a second YAML document; a scenario file holds exactly one");
            return root;
        } catch (ParseError e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new ParseError(at(e.getLocation()), "YAML syntax: " + firstLine(e.getOriginalMessage()));
        } catch (IOException | RuntimeException | StackOverflowError e) {
            SourceRef where = p == null ? new SourceRef(file, 1, 1) : at(p.currentLocation());
            throw new ParseError(where, "YAML syntax: " + firstLine(String.valueOf(e.getMessage())));
        }
    }

    private YamlNode node(JsonToken t, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new ParseError(tokenAt(), "nesting deeper than " + MAX_DEPTH + " levels");
        SourceRef where = tokenAt();
        if (p.isCurrentAlias()) throw new ParseError(where, "YAML alias '*" + p.getText() + "' is not supported; write the value out");
        switch (t) {
            case START_OBJECT: {
                Map<String, YamlNode.YMap.Entry> m = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    SourceRef keyAt = tokenAt();
                    String key = p.currentName();
                    if (m.containsKey(key)) throw new ParseError(keyAt, "duplicate key '" + key + "' (first at line " + m.get(key).keyAt().line() + ")");
                    JsonToken v = p.nextToken();
                    if (v == null) throw new ParseError(at(p.currentLocation()), "the file ends inside a mapping");
                    m.put(key, new YamlNode.YMap.Entry(key, keyAt, node(v, depth + 1)));
                }
                if (k != JsonToken.END_OBJECT) throw new ParseError(at(p.currentLocation()), "the file ends inside a mapping");
                return new YamlNode.YMap(m, where);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                JsonToken v;
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (v == null) throw new ParseError(at(p.currentLocation()), "the file ends inside a list");
                    items.add(node(v, depth + 1));
                }
                return new YamlNode.YSeq(items, where);
            }
            case VALUE_STRING:
                return string(p.getText(), where);
            case VALUE_NUMBER_INT:
                return new YamlNode.YScalar(p.getText(), YamlNode.YScalar.Type.INT, where.line(), where.column(), ' ', where);
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.YScalar(p.getText(), YamlNode.YScalar.Type.FLOAT, where.line(), where.column(), ' ', where);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.YScalar(p.getText(), YamlNode.YScalar.Type.BOOL, where.line(), where.column(), ' ', where);
            case VALUE_NULL:
                return new YamlNode.YScalar("", YamlNode.YScalar.Type.NULL, where.line(), where.column(), ' ', where);
            default:
                throw new ParseError(where, "unexpected YAML token " + t);
        }
    }

    /** A string scalar, with where its text starts: the next line for `|` blocks, after the quote for quoted ones. */
    private YamlNode string(String text, SourceRef where) {
        int li = where.line() - 1;
        String l = li >= 0 && li < lines.length ? lines[li] : "";
        int c = Math.max(0, where.column() - 1);
        char first = c < l.length() ? l.charAt(c) : ' ';
        if (first == '|') {
            int indent = 0;
            for (int j = li + 1; j < lines.length; j++) {
                String s = lines[j];
                if (s.isBlank()) continue;
                while (indent < s.length() && s.charAt(indent) == ' ') indent++;
                break;
            }
            return new YamlNode.YScalar(text, YamlNode.YScalar.Type.STRING, where.line() + 1, indent + 1, '|', where);
        }
        boolean quoted = first == '"' || first == '\'';
        char style = quoted || first == '>' ? first : ' ';
        return new YamlNode.YScalar(text, YamlNode.YScalar.Type.STRING, where.line(), quoted ? where.column() + 1 : where.column(), style, where);
    }

    private SourceRef tokenAt() {
        return at(p.currentTokenLocation());
    }

    private SourceRef at(JsonLocation loc) {
        if (loc == null) return new SourceRef(file, 0, 0);
        return new SourceRef(file, Math.max(0, loc.getLineNr()), Math.max(0, loc.getColumnNr()));
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable input";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

}
