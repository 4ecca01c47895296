package io.fnlab.model.format.sysctl;

import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.sysctl.Sysctls;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /etc/sysctl.conf and sysctl.d files as procps-ng sysctl -p reads them: "key = value" lines,
 * '#' and ';' comments, blank lines, keys with '/' or '.' (normalised to dots, Sysctls.normalise),
 * a leading '-' on a key (errors ignored: kept the same here). The value is what follows the
 * '=' with surrounding blanks removed. Unknown keys are kept; the simulator decides what it
 * models. The writer prints "key = value" lines.
 */
public final class SysctlConf {
    private SysctlConf() {}

    public static LinkedHashMap<String, String> read(String text, String file) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            SourceRef where = SourceRef.of(file, i + 1);
            String raw = lines[i];
            String t = raw.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) continue;
            int eq = t.indexOf('=');
            if (eq < 0) throw new ParseError(where, "expected 'key = value'");
            String key = t.substring(0, eq).strip();
            if (key.startsWith("-")) key = key.substring(1).strip();
            checkKey(key, where.atColumn(raw.indexOf(t) + 1));
            out.put(Sysctls.normalise(key), t.substring(eq + 1).strip());
        }
        return out;
    }

    static void checkKey(String key, SourceRef where) {
        if (key.isEmpty()) throw new ParseError(where, "expected a key before '='");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c == '=' || c == '*' || c == '?' || c == '[') throw new ParseError(where.atColumn(where.column() + i),
                    "expected a sysctl key (no blanks or globs), got '" + key + "'");
        }
        if (key.startsWith(".") || key.startsWith("/") || key.endsWith(".") || key.endsWith("/") || key.contains("..")
                || key.contains("//"))
            throw new ParseError(where, "expected a key such as net.ipv4.ip_forward, got '" + key + "'");
    }

    public static String write(Map<String, String> values) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : values.entrySet()) sb.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        return sb.toString();
    }
}
