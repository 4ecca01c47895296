package io.fnlab.model.netfilter;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The iptables tables with the built-in chains each one has (net/ipv4/netfilter/iptable_*.c). */
public enum TableName {
    RAW(EnumSet.of(Hook.PREROUTING, Hook.OUTPUT)),
    MANGLE(EnumSet.allOf(Hook.class)),
    NAT(EnumSet.of(Hook.PREROUTING, Hook.INPUT, Hook.OUTPUT, Hook.POSTROUTING)),
    FILTER(EnumSet.of(Hook.INPUT, Hook.FORWARD, Hook.OUTPUT)),
    SECURITY(EnumSet.of(Hook.INPUT, Hook.FORWARD, Hook.OUTPUT));

    private final Set<Hook> hooks;

    TableName(Set<Hook> hooks) {
        this.hooks = hooks;
    }

    public Set<Hook> hooks() {
        return hooks;
    }

    /** Built-in chain names in the order iptables-save prints them. */
    public List<String> builtinChains() {
        return hooks.stream().map(Enum::name).toList();
    }

    public boolean isBuiltin(String chain) {
        for (Hook h : hooks) if (h.name().equals(chain)) return true;
        return false;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TableName parse(String s) {
        for (TableName t : values()) if (t.label().equals(s)) return t;
        throw new IllegalArgumentException("unknown table '" + s + "'");
    }
}
