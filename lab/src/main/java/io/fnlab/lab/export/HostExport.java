package io.fnlab.lab.export;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The files a user copies to one real host: name -> content. apply.sh applies the others. */
public record HostExport(String host, Map<String, String> files) {
    public HostExport {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }
}
