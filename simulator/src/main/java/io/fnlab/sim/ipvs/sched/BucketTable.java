package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import java.util.List;

/**
 * The 256-bucket table of ip_vs_sh.c / ip_vs_dh.c (IP_VS_SH_TAB_BITS = IP_VS_DH_TAB_BITS = 8).
 * ip_vs_sh_reassign / ip_vs_dh_reassign fill the buckets round-robin in list order, each dest taking
 * `weight` consecutive buckets; a dest of weight 0 (or less) still takes one bucket, because
 * the test is ++d_count >= weight.
 */
final class BucketTable {
    static final int SIZE = 256;
    final IpvsDest[] buckets = new IpvsDest[SIZE];

    void reassign(IpvsService svc) {
        List<IpvsDest> l = svc.dests();
        if (l.isEmpty()) {
            java.util.Arrays.fill(buckets, null);
            return;
        }
        int p = 0, count = 0;
        for (int i = 0; i < SIZE; i++) {
            IpvsDest d = l.get(p);
            buckets[i] = d;
            if (++count >= d.weight()) {
                p = (p + 1) % l.size();
                count = 0;
            }
        }
    }
}
