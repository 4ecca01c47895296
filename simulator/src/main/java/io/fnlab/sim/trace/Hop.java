package io.fnlab.sim.trace;

import java.util.List;

/** What one host did to a packet: its steps in order. */
public record Hop(String host, String packet, List<Step> steps) {
    public Hop {
        steps = List.copyOf(steps);
    }
}
