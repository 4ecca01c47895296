package io.fnlab.model.format.scenario;

import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The config kinds a scenario may use: those documented in docs/scenario-format.md, each applied by
 * the {@link ConfigFormat} registered for it. A documented kind whose reader is not installed is
 * an error that says so, rather than a silent skip.
 */
public final class ConfigFormats {
    /** The kinds docs/scenario-format.md defines. */
    public static final List<String> DOCUMENTED = List.of("script", "iptables-save", "iptables-restore", "ipset-save",
            "ipvsadm-save", "sysctl-conf");

    private static volatile Map<String, ConfigFormat> discovered;

    private ConfigFormats() {}

    /** Every registered format by kind; when two claim one kind, the first on the class path wins. */
    public static Map<String, ConfigFormat> discovered() {
        Map<String, ConfigFormat> d = discovered;
        if (d == null) {
            Map<String, ConfigFormat> m = new LinkedHashMap<>();
            for (ConfigFormat f : ServiceLoader.load(ConfigFormat.class, ConfigFormat.class.getClassLoader()))
                m.putIfAbsent(f.kind(), f);
            discovered = d = Collections.unmodifiableMap(m);
        }
        return d;
    }

    /** All kinds a scenario may name (documented ones and any extra registered ones), sorted. */
    public static List<String> allowedKinds() {
        TreeSet<String> all = new TreeSet<>(DOCUMENTED);
        all.addAll(discovered().keySet());
        return new ArrayList<>(all);
    }

    /** The format for kind, or a ParseError at where naming the allowed kinds. */
    public static ConfigFormat get(String kind, SourceRef where) {
        return Toolbox.discovered().format(kind, where);
    }
}
