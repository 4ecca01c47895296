package io.fnlab.model.netfilter.match;

import io.fnlab.model.net.PortRange;

/** A port or range with its own ! as in "! --dport 80". */
public record PortSpec(PortRange range, boolean negated) {
    public boolean matches(int port) {
        return range.contains(port) != negated;
    }
}
