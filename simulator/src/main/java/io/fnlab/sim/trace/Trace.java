package io.fnlab.sim.trace;

import java.util.List;

/** A packet's whole path across hosts; the disposition is how it ended. */
public record Trace(String flow, List<Hop> hops, String disposition) {
    public Trace {
        hops = List.copyOf(hops);
    }
}
