package io.fnlab.model.sysctl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * sysctl settings keyed with dots ("net.ipv4.vs.conntrack"); slashes are normalised to dots as
 * sysctl(8) does. Values are kept as written; readers of a key supply the kernel default.
 */
public record Sysctls(Map<String, String> values) {
    public static final Sysctls EMPTY = new Sysctls(Map.of());

    public Sysctls {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static String normalise(String key) {
        return key.trim().replace('/', '.');
    }

    public String get(String key, String dflt) {
        return values.getOrDefault(normalise(key), dflt);
    }

    public int getInt(String key, int dflt) {
        String v = values.get(normalise(key));
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    public Sysctls with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.put(normalise(key), value);
        return new Sysctls(m);
    }
}
