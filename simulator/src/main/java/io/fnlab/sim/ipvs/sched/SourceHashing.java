package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/**
 * ip_vs_sh.c. Bucket = (offset + hash_32(ntohs(port) + ntohl(saddr), 8)) & 255 with
 * hash_32(v, 8) = (v * 0x61C88647) >>> 24. port is the source port with the sh-port flag
 * (IP_VS_SVC_F_SCHED_SH_PORT), else 0. A dest is unavailable when weight <= 0 or overloaded;
 * with sh-fallback (IP_VS_SVC_F_SCHED_SH_FALLBACK) ip_vs_sh_get_fallback probes offsets 0..255.
 */
final class SourceHashing implements Scheduler {
    private final BucketTable table = new BucketTable();

    @Override
    public String name() {
        return "sh";
    }

    @Override
    public void init(IpvsService svc) {
        table.reassign(svc);
    }

    @Override
    public void destsChanged(IpvsService svc) {
        table.reassign(svc);
    }

    /** include/linux/hash.h hash_32 with GOLDEN_RATIO_32. */
    static int hash32(int val, int bits) {
        return (val * 0x61C88647) >>> (32 - bits);
    }

    static int hashkey(int addr, int port, int offset) {
        return (offset + hash32(port + addr, 8)) & (BucketTable.SIZE - 1);
    }

    static boolean unavailable(IpvsDest d) {
        return d.weight() <= 0 || d.overloaded();
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        int port = svc.hasFlag("sh-port") && (skb.isTcp() || skb.isUdp() || skb.protocol == 132) ? skb.sport : 0;
        int addr = skb.saddr;
        int ihash = hashkey(addr, port, 0);
        IpvsDest d = table.buckets[ihash];
        String what = "sh: source " + skb.src() + (port != 0 ? ":" + port : "") + " -> bucket " + ihash;
        if (d == null) return Pick.none(what + " empty: no destination available");
        if (!unavailable(d)) return new Pick(d, what);
        if (!svc.hasFlag("sh-fallback")) return Pick.none(what + " holds " + d.endpoint() + " (weight 0 or overloaded): no destination available");
        for (int offset = 0; offset < BucketTable.SIZE; offset++) {
            int roffset = (offset + ihash) % BucketTable.SIZE;
            int h = hashkey(addr, port, roffset);
            IpvsDest e = table.buckets[h];
            if (e != null && !unavailable(e)) return new Pick(e, what + " unavailable; sh-fallback: bucket " + h);
        }
        return Pick.none(what + ": sh-fallback found no available destination");
    }
}
