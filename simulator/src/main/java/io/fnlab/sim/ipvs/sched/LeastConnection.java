package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/** ip_vs_lc.c: the first dest (list order) with the least overhead, skipping overloaded and weight 0. */
final class LeastConnection implements Scheduler {
    @Override
    public String name() {
        return "lc";
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        IpvsDest least = null;
        int loh = 0;
        for (IpvsDest d : svc.dests()) {
            if (d.overloaded() || d.weight() == 0) continue;
            int doh = d.overhead();
            if (least == null || doh < loh) {
                least = d;
                loh = doh;
            }
        }
        if (least == null) return Pick.none("lc: no destination available");
        long oh = loh;
        int a = least.activeConns(), in = least.inactConns();
        return new Pick(least, () -> "lc: overhead " + oh + " (" + a + "*256+" + in + ") lowest");
    }
}
