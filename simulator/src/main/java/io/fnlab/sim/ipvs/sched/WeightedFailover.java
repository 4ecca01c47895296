package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/** ip_vs_fo.c: the first dest (list order) with the highest weight > 0 that is not overloaded. */
final class WeightedFailover implements Scheduler {
    @Override
    public String name() {
        return "fo";
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        IpvsDest h = null;
        int hw = 0;
        for (IpvsDest d : svc.dests()) {
            if (!d.overloaded() && d.weight() > hw) {
                h = d;
                hw = d.weight();
            }
        }
        if (h == null) return Pick.none("fo: no destination available");
        return new Pick(h, "fo: highest weight " + hw + " not overloaded");
    }
}
