package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/**
 * ip_vs_dh.c: bucket = (ntohl(daddr) * 2654435761) & 255; the dest there is used when available,
 * weight > 0 and not overloaded, otherwise there is no destination (no fallback).
 */
final class DestinationHashing implements Scheduler {
    private final BucketTable table = new BucketTable();

    @Override
    public String name() {
        return "dh";
    }

    @Override
    public void init(IpvsService svc) {
        table.reassign(svc);
    }

    @Override
    public void destsChanged(IpvsService svc) {
        table.reassign(svc);
    }

    static int hashkey(int addr) {
        return (int) ((addr & 0xffffffffL) * 2654435761L) & (BucketTable.SIZE - 1);
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
