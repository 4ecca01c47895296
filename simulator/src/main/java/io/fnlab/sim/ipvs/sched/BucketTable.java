package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import java.util.List;

/**
 * The 256-bucket table of ip_vs_sh.c / ip_vs_dh.c (IP_VS_SH_TAB_BITS = IP_VS_DH_TAB_BITS = 8).
 * ip_vs_sh_reassign fills the buckets round-robin in list order, each dest taking `weight`
 * consecutive buckets; a dest of weight 0 (or less) still takes one bucket, because the test is
 * ++d_count >= weight. ip_vs_dh_reassign gives each bucket the next dest, whatever its weight.
 */
final class BucketTable {
    static final int SIZE = 256;
    final IpvsDest[] buckets = new IpvsDest[SIZE];

    /** ip_vs_sh_reassign: `weight` buckets per dest in turn. */
    void reassign(IpvsService svc) {
        fill(svc.dests(), true);
    }

    /** ip_vs_dh_reassign: one bucket per dest in turn, weights ignored. */
    void reassignOnePerDest(IpvsService svc) {
        fill(svc.dests(), false);
    }

    private void fill(List<IpvsDest> l, boolean weighted) {
        if (l.isEmpty()) {
            java.util.Arrays.fill(buckets, null);
            return;
        }
        int p = 0, count = 0;
        for (int i = 0; i < SIZE; i++) {
            IpvsDest d = l.get(p);
            buckets[i] = d;
            if (!weighted || ++count >= d.weight()) {
                p = (p + 1) % l.size();
                count = 0;
            }
        }
    }
}
