package io.fnlab.model.netfilter;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * All iptables tables of a host. A table absent from the map was never loaded (iptables-save
 * prints only loaded tables); the simulator treats it as empty with ACCEPT policies.
 */
public record Ruleset(Map<TableName, Table> tables) {
    public static final Ruleset EMPTY = new Ruleset(Map.of());

    public Ruleset {
        EnumMap<TableName, Table> m = new EnumMap<>(TableName.class);
        m.putAll(tables);
        tables = Collections.unmodifiableMap(m);
    }

    public Optional<Table> table(TableName t) {
        return Optional.ofNullable(tables.get(t));
    }

    public Table tableOrEmpty(TableName t) {
        return tables.getOrDefault(t, Table.empty(t));
    }
}
