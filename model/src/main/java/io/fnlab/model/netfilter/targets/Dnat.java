package io.fnlab.model.netfilter.targets;

/** DNAT --to-destination RANGE [--random] [--persistent]. */
public record Dnat(NatRange range, boolean random, boolean persistent) implements Target {
    public String name() {
        return "DNAT";
    }
}
