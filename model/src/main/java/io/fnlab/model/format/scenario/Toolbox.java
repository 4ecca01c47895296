package io.fnlab.model.format.scenario;

import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a {@link ScenarioReader} applies host configs with: the script runner (its ToolCommands)
 * and the typed config formats by kind. {@link #discovered()} is everything on the class path;
 * tests and embedders can build their own.
 */
public record Toolbox(HostScript script, Map<String, ConfigFormat> formats) {
    public Toolbox {
        formats = Collections.unmodifiableMap(new LinkedHashMap<>(formats));
    }

    public static Toolbox discovered() {
        return new Toolbox(HostScript.discovered(), ConfigFormats.discovered());
    }

    /** All kinds a scenario may name with this toolbox, sorted. */
    public List<String> allowedKinds() {
        TreeSet<String> all = new TreeSet<>(ConfigFormats.DOCUMENTED);
        all.addAll(formats.keySet());
        return List.copyOf(all);
    }

    /** The format for kind, or a ParseError at where naming the allowed kinds. "script" is the script runner. */
    public ConfigFormat format(String kind, SourceRef where) {
        if (kind.equals("script")) return new ConfigFormat() {
            @Override
            public String kind() {
                return "script";
            }

            @Override
            public void apply(io.fnlab.model.scenario.HostConfigBuilder b, String text, String file) {
                script.run(b, text, file);
            }
        };
        ConfigFormat f = formats.get(kind);
        if (f != null) return f;
        if (ConfigFormats.DOCUMENTED.contains(kind))
            throw new ParseError(where, "config kind '" + kind + "' is defined but no reader for it is installed in this fnlab build");
        throw new ParseError(where, "unknown config kind '" + kind + "'; allowed kinds: " + String.join(", ", allowedKinds()));
    }
}
