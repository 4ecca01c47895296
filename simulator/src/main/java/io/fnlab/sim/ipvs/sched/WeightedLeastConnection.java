package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;

/** ip_vs_wlc.c: overhead = activeconns * 256 + inactconns, divided by weight. */
final class WeightedLeastConnection extends WeightedLeast {
    @Override
    public String name() {
        return "wlc";
    }

    @Override
    int overhead(IpvsDest d) {
        return d.overhead();
    }
}
