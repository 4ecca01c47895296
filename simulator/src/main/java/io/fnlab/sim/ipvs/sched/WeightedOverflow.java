package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/** ip_vs_ovf.c: highest weight among dests with activeconns <= weight, not overloaded, weight != 0. */
final class WeightedOverflow implements Scheduler {
    @Override
    public String name() {
        return "ovf";
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        IpvsDest h = null;
        for (IpvsDest d : svc.dests()) {
            int w = d.weight();
            if (d.overloaded() || d.activeConns() > w || w == 0) continue;
            if (h == null || w > h.weight()) h = d;
        }
        if (h == null) return Pick.none("ovf: no destination available (all at activeconns > weight)");
        return new Pick(h, "ovf: highest weight " + h.weight() + " with activeconns " + h.activeConns() + " <= weight");
    }
}
