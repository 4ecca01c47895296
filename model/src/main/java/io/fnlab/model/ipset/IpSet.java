package io.fnlab.model.ipset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set as `ipset save` prints it: name, type, create options in order (family, hashsize,
 * maxelem, range, timeout, comment ...), entries in insertion order.
 */
public record IpSet(String name, SetType type, Map<String, String> options, List<SetEntry> entries) {
    public IpSet {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        entries = List.copyOf(entries);
    }
}
