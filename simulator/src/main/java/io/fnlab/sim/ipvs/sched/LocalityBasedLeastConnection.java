package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.sim.skb.SkBuff;
import java.util.HashMap;
import java.util.Map;

/**
 * ip_vs_lblc.c: a cache destination address -> dest. A cached dest is used while it is available,
 * has weight > 0 and is not is_overloaded; otherwise wlc picks one and the cache entry is replaced.
 * Entries unused for lblc_expiration (24 h) are dropped (ip_vs_lblc_full_check); fnlab drops them
 * when looked up instead of on the kernel's periodic timer.
 */
final class LocalityBasedLeastConnection implements Scheduler {
    private static final class Entry {
        IpvsDest dest;
        long lastUse;
    }

    private final Map<Integer, Entry> table = new HashMap<>();

    @Override
    public String name() {
        return "lblc";
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        Entry en = table.get(skb.daddr);
        if (en != null && now - en.lastUse > Locality.EXPIRATION_MS) {
            table.remove(skb.daddr);
            en = null;
        }
        String dst = new Ipv4(skb.daddr).toString();
        if (en != null) {
            en.lastUse = now;
            IpvsDest d = en.dest;
            if (d.available() && d.weight() > 0 && !Locality.isOverloaded(d, svc))
                return new Pick(d, "lblc: cached server for destination " + dst);
        }
        IpvsDest d = Locality.wlc(svc);
        if (d == null) return Pick.none("lblc: no destination available");
        Entry ne = en != null ? en : new Entry();
        ne.dest = d;
        ne.lastUse = now;
        table.put(skb.daddr, ne);
        return new Pick(d, "lblc: " + (en == null ? "no cache entry" : "cached server unusable") + " for " + dst + "; wlc overhead/weight " + d.overhead() + "/" + d.weight() + " lowest");
    }
}
