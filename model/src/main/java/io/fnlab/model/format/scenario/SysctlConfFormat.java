package io.fnlab.model.format.scenario;

import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import io.fnlab.model.sysctl.Sysctls;

/**
 * `kind: sysctl-conf`: the sysctl.conf(5) format `sysctl -p` reads: `key = value` lines, '#' or ';'
 * comments, blank lines, a leading '-' meaning "ignore failure". Keys are normalised as sysctl(8)
 * does (slashes to dots); values are kept as written, trimmed.
 */
public final class SysctlConfFormat implements ConfigFormat {
    @Override
    public String kind() {
        return "sysctl-conf";
    }

    @Override
    public void apply(HostConfigBuilder b, String text, String file) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            String l = raw.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) continue;
            SourceRef where = new SourceRef(file, i + 1, raw.indexOf(l.charAt(0)) + 1);
            if (l.startsWith("-")) l = l.substring(1).strip();
            int eq = l.indexOf('=');
            if (eq <= 0) throw new ParseError(where, "expected 'key = value' (sysctl.conf), got '" + l + "'");
            String key = Sysctls.normalise(l.substring(0, eq));
            if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace))
                throw new ParseError(where, "bad sysctl key '" + l.substring(0, eq).strip() + "'");
            b.sysctls.put(key, l.substring(eq + 1).strip());
        }
    }
}
