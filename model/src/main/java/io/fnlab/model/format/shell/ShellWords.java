package io.fnlab.model.format.shell;

import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one shell command line into words the way a POSIX shell does for the simple commands in
 * config scripts: single quotes, double quotes with backslash escapes, backslash outside quotes,
 * and '#' comments at the start of a word. No expansion of variables or globs: a '$' is kept
 * as written (scripts that need expansion are not config fnlab can replay).
 */
public final class ShellWords {
    private ShellWords() {}

    public static List<String> split(String line, SourceRef where) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        int i = 0, n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) throw new ParseError(where.atColumn(i + 1), "unterminated single quote");
                cur.append(line, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = line.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        cur.append(line.charAt(i + 1));
                        i += 2;
                    } else {
                        cur.append(d);
                        i++;
                    }
                }
                if (!closed) throw new ParseError(where, "unterminated double quote");
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 < n) cur.append(line.charAt(i + 1));
                inWord = true;
                i += 2;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '#' && !inWord) {
                break;
            } else {
                cur.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) words.add(cur.toString());
        return words;
    }

    /** Quotes a word so that a POSIX shell reads it back as exactly this word. */
    public static String quote(String w) {
        if (!w.isEmpty() && w.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || "@%+=:,./_-".indexOf(ch) >= 0)) return w;
        return "'" + w.replace("'", "'\\''") + "'";
    }
}
