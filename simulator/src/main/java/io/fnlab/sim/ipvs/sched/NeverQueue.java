package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/** ip_vs_nq.c: the first idle dest (activeconns == 0) in list order, else sed ((active+1)/weight). */
final class NeverQueue implements Scheduler {
    @Override
    public String name() {
        return "nq";
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        IpvsDest least = null;
        long loh = 0;
        for (IpvsDest d : svc.dests()) {
            if (d.overloaded() || d.weight() == 0) continue;
            long doh = d.activeConns() + 1;
            if (d.activeConns() == 0) return new Pick(d, "nq: idle server (0 active connections)");
            if (least == null || loh * d.weight() > doh * least.weight()) {
                least = d;
                loh = doh;
            }
        }
        if (least == null) return Pick.none("nq: no destination available");
        return new Pick(least, "nq: no idle server; (active+1)/weight " + loh + "/" + least.weight() + " lowest");
    }
}
