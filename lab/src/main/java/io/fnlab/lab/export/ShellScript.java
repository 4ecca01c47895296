package io.fnlab.lab.export;

import io.fnlab.model.format.shell.ShellWords;
import java.util.List;

/** Builds POSIX sh text where every word that comes from a scenario is quoted: nothing can inject shell. */
final class ShellScript {
    private final StringBuilder b = new StringBuilder();

    ShellScript raw(String line) {
        b.append(line).append('\n');
        return this;
    }

    /** A command whose words are all quoted. */
    ShellScript cmd(List<String> words) {
        b.append(join(words)).append('\n');
        return this;
    }

    static String join(List<String> words) {
        StringBuilder s = new StringBuilder();
        for (String w : words) {
            if (s.length() > 0) s.append(' ');
            s.append(ShellWords.quote(w));
        }
        return s.toString();
    }

    static String q(String w) {
        return ShellWords.quote(w);
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
