package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.sim.skb.SkBuff;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ip_vs_lblcr.c: a cache destination address -> set of dests (newest first: list_add_rcu).
 * ip_vs_dest_set_min picks the least loaded of the set; when the set has more than one member and
 * lblcr_expiration (24 h) has passed since it last changed, the most loaded member is removed
 * (ip_vs_dest_set_max). If the minimum is missing or is_overloaded, wlc over the whole service
 * picks a dest that joins the set.
 */
final class LocalityBasedLeastConnectionReplication implements Scheduler {
    private static final class Entry {
        final List<IpvsDest> set = new ArrayList<>();
        long lastUse;
        long lastMod;
    }

    private final Map<Integer, Entry> table = new HashMap<>();

    @Override
    public String name() {
        return "lblcr";
    }

    private static IpvsDest setMin(List<IpvsDest> set) {
        IpvsDest least = null;
        int i = 0;
        for (; i < set.size(); i++) {
            IpvsDest d = set.get(i);
            if (d.overloaded()) continue;
            if (d.weight() > 0 && d.available()) {
                least = d;
                break;
            }
        }
        if (least == null) return null;
        long loh = least.overhead();
        for (i++; i < set.size(); i++) {
            IpvsDest d = set.get(i);
            if (d.overloaded()) continue;
            long doh = d.overhead();
            if (loh * d.weight() > doh * least.weight() && d.available()) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }

    private static IpvsDest setMax(List<IpvsDest> set) {
        IpvsDest most = null;
        int i = 0;
        for (; i < set.size(); i++) {
            if (set.get(i).weight() > 0) {
                most = set.get(i);
                break;
            }
        }
        if (most == null) return null;
        long moh = most.overhead();
        for (i++; i < set.size(); i++) {
            IpvsDest d = set.get(i);
            long doh = d.overhead();
            if (moh * d.weight() < doh * most.weight() && d.weight() > 0) {
                most = d;
                moh = doh;
            }
        }
        return most;
    }

    private static void insert(Entry en, IpvsDest d, long now) {
        if (!en.set.contains(d)) {
            en.set.add(0, d);
            en.lastMod = now;
        }
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
            IpvsDest d = setMin(en.set);
            if (en.set.size() > 1 && now > en.lastMod + Locality.EXPIRATION_MS) {
                IpvsDest m = setMax(en.set);
                if (m != null) {
                    en.set.remove(m);
                    en.lastMod = now;
                }
            }
            if (d != null && !Locality.isOverloaded(d, svc))
                return new Pick(d, "lblcr: least loaded of the cached set for destination " + dst);
            d = Locality.wlc(svc);
            if (d == null) return Pick.none("lblcr: no destination available");
            insert(en, d, now);
            return new Pick(d, "lblcr: cached set overloaded for " + dst + "; wlc added " + d.endpoint() + " to the set");
        }
        IpvsDest d = Locality.wlc(svc);
        if (d == null) return Pick.none("lblcr: no destination available");
        Entry ne = new Entry();
        ne.lastUse = now;
        insert(ne, d, now);
        table.put(skb.daddr, ne);
        return new Pick(d, "lblcr: no cache entry for " + dst + "; wlc overhead/weight " + d.overhead() + "/" + d.weight() + " lowest");
    }
}
