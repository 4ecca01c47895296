package io.fnlab.model.netfilter.targets;

/** SNAT --to-source RANGE [--random] [--random-fully] [--persistent]. */
public record Snat(NatRange range, boolean random, boolean randomFully, boolean persistent) implements Target {
    public String name() {
        return "SNAT";
    }
}
