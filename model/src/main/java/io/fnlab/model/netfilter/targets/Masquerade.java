package io.fnlab.model.netfilter.targets;

import io.fnlab.model.net.PortRange;

/** MASQUERADE [--to-ports P[-P]] [--random] [--random-fully]; ports null when absent. */
public record Masquerade(PortRange ports, boolean random, boolean randomFully) implements Target {
    public String name() {
        return "MASQUERADE";
    }
}
