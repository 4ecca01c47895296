package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;
import java.util.List;

/**
 * The shape shared by wlc (ip_vs_wlc.c) and sed (ip_vs_sed.c): the first dest not overloaded with
 * weight > 0 is the candidate, then a later dest replaces it when loh * w_dest > doh * w_least
 * (overloaded dests skipped; weight 0 never wins because 0 > doh * w is false).
 */
abstract class WeightedLeast implements Scheduler {
    abstract int overhead(IpvsDest d);

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        List<IpvsDest> l = svc.dests();
        IpvsDest least = null;
        int i = 0;
        for (; i < l.size(); i++) {
            IpvsDest d = l.get(i);
            if (!d.overloaded() && d.weight() > 0) {
                least = d;
                break;
            }
        }
        if (least == null) return Pick.none(name() + ": no destination available");
        long loh = overhead(least);
        for (i++; i < l.size(); i++) {
            IpvsDest d = l.get(i);
            if (d.overloaded()) continue;
            long doh = overhead(d);
            if (loh * d.weight() > doh * least.weight()) {
                least = d;
                loh = doh;
            }
        }
        long oh = loh;
        int w = least.weight();
        return new Pick(least, () -> name() + ": overhead/weight " + oh + "/" + w + " lowest");
    }
}
