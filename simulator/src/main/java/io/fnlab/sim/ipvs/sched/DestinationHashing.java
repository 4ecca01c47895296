package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/**
 * ip_vs_dh.c: bucket = hash_32(ntohl(daddr), 8) (include/linux/hash.h, the top 8 bits of
 * daddr * GOLDEN_RATIO_32; older kernels used (daddr * 2654435761) & 255, and a 6.1 kernel in
 * the lab disagreed with that); the dest there is used when available, weight > 0 and not
 * overloaded, otherwise there is no destination (no fallback). Unlike ip_vs_sh_reassign,
 * ip_vs_dh_reassign ignores weights: every bucket takes the next dest of the list.
 */
final class DestinationHashing implements Scheduler {
    private final BucketTable table = new BucketTable();

    @Override
    public String name() {
        return "dh";
    }

    @Override
    public void init(IpvsService svc) {
        table.reassignOnePerDest(svc);
    }

    @Override
    public void destsChanged(IpvsService svc) {
        table.reassignOnePerDest(svc);
    }

    static int hashkey(int addr) {
        return SourceHashing.hash32(addr, 8);
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        int h = hashkey(skb.daddr);
        IpvsDest d = table.buckets[h];
        String what = "dh: destination " + skb.dst() + " -> bucket " + h;
        if (d == null || !d.available() || d.weight() <= 0 || d.overloaded())
            return Pick.none(what + (d == null ? " empty" : " holds " + d.endpoint() + " (unavailable)") + ": no destination available");
        return new Pick(d, what);
    }
}
