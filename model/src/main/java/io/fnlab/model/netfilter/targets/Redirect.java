package io.fnlab.model.netfilter.targets;

import io.fnlab.model.net.PortRange;

/** REDIRECT [--to-ports P[-P]] [--random]: DNAT to the incoming interface's primary address. */
public record Redirect(PortRange ports, boolean random) implements Target {
    public String name() {
        return "REDIRECT";
    }
}
