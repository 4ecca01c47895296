package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;
import java.util.List;

/**
 * ip_vs_mh.c (Maglev hashing), table size 4093 (CONFIG_IP_VS_MH_TAB_INDEX = 12). Keys are the fixed
 * secrets of generate_hash_secret; ip_vs_mh_hashkey hashes (offset + ntohs(port) + ntohl(addr)) with
 * hsiphash (64-bit flavour, see HsipHash). Each dest gets offset = h1 % 4093, skip = h2 % 4092 + 1
 * and turns = (last_weight / gcd) >> rshift (or 1 when that is 0 and last_weight != 0);
 * ip_vs_mh_populate fills the table as the kernel does. Lookup: hash of the source address (and
 * source port with mh-port); unavailable = weight <= 0 or overloaded; mh-fallback probes on.
 */
final class MaglevHashing implements Scheduler {
    static final int TAB_SIZE = 4093;
    static final int TAB_BITS = 12 / 2; // IP_VS_MH_TAB_BITS
    static final long K1 = 2654435761L;
    static final long K2 = 2654446892L;
    final IpvsDest[] lookup = new IpvsDest[TAB_SIZE];

    @Override
    public String name() {
        return "mh";
    }

    @Override
    public void init(IpvsService svc) {
        reassign(svc);
    }

    @Override
    public void destsChanged(IpvsService svc) {
        reassign(svc);
    }

    static int hashkey(int addr, int port, long key, int offset) {
        return HsipHash.hash32(offset + port + addr, key, key);
    }

    static int mod(int h, int m) {
        return Integer.remainderUnsigned(h, m);
    }

    private void reassign(IpvsService svc) {
        List<IpvsDest> l = svc.dests();
        int gcd = 0;
        int maxw = 0;
        for (IpvsDest d : l) {
            int w = d.lastWeight();
            if (w > 0) gcd = gcd > 0 ? WeightedRoundRobin.gcd(w, gcd) : w;
            maxw = Math.max(maxw, w);
        }
        if (gcd < 1) {
            java.util.Arrays.fill(lookup, null);
            return;
        }
        int shift = 32 - Integer.numberOfLeadingZeros(maxw / gcd) - TAB_BITS; // fls(mw) - bits
        int rshift = Math.max(shift, 0);
        int n = l.size();
        int[] perm = new int[n], skip = new int[n], turns = new int[n];
        for (int i = 0; i < n; i++) {
            IpvsDest d = l.get(i);
            int a = d.addr.bits();
            perm[i] = mod(hashkey(a, d.port, K1, 0), TAB_SIZE);
            skip[i] = mod(hashkey(a, d.port, K2, 0), TAB_SIZE - 1) + 1;
            int lw = d.lastWeight();
            int t = (lw / gcd) >> rshift;
            turns[i] = t != 0 ? t : (lw != 0 ? 1 : 0);
        }
        // ip_vs_mh_populate; the lookup keeps its old entries where the walk overwrites them
        boolean[] taken = new boolean[TAB_SIZE];
        int filled = 0, dtCount = 0;
        int p = 0;
        outer:
        while (filled < TAB_SIZE) {
            if (p == n) p = 0;
            while (p < n) {
                if (turns[p] < 1) {
                    p++;
                    continue;
                }
                int c = perm[p];
                while (taken[c]) {
                    perm[p] += skip[p];
                    if (perm[p] >= TAB_SIZE) perm[p] -= TAB_SIZE;
                    c = perm[p];
                }
                taken[c] = true;
                lookup[c] = l.get(p);
                if (++filled == TAB_SIZE) break outer;
                if (++dtCount >= turns[p]) {
                    dtCount = 0;
                    p++;
                }
            }
        }
    }

    static boolean unavailable(IpvsDest d) {
        return d.weight() <= 0 || d.overloaded();
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        int port = svc.hasFlag("mh-port") && (skb.isTcp() || skb.isUdp() || skb.protocol == 132) ? skb.sport : 0;
        int addr = skb.saddr;
        int ihash = mod(hashkey(addr, port, K1, 0), TAB_SIZE);
        IpvsDest d = lookup[ihash];
        String what = "mh: source " + skb.src() + (port != 0 ? ":" + port : "") + " -> slot " + ihash;
        if (d == null) return Pick.none(what + " empty: no destination available");
        if (!unavailable(d)) return new Pick(d, what);
        if (!svc.hasFlag("mh-fallback")) return Pick.none(what + " holds " + d.endpoint() + " (weight 0 or overloaded): no destination available");
        for (int offset = 0; offset < TAB_SIZE; offset++) {
            int roffset = (offset + ihash) % TAB_SIZE;
            int h = mod(hashkey(addr, port, K1, roffset), TAB_SIZE);
            IpvsDest e = lookup[h];
            if (e == null) break;
            if (!unavailable(e)) return new Pick(e, what + " unavailable; mh-fallback: slot " + h);
        }
        return Pick.none(what + ": mh-fallback found no available destination");
    }
}
