package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;

/** ip_vs_sed.c: ip_vs_sed_dest_overhead = activeconns + 1, divided by weight. */
final class ShortestExpectedDelay extends WeightedLeast {
    @Override
    public String name() {
        return "sed";
    }

    @Override
    int overhead(IpvsDest d) {
        return d.activeConns() + 1;
    }
}
