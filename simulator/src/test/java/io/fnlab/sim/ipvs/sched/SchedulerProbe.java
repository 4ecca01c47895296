package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import java.util.Map;
import java.util.TreeMap;

/** Test access to package-private scheduler internals. */
public final class SchedulerProbe {
    private SchedulerProbe() {}

    public static int hsiphash(int v, long k0, long k1) {
        return HsipHash.hash32(v, k0, k1);
    }

    public static Map<String, Integer> mhShares(IpvsService svc) {
        MaglevHashing mh = (MaglevHashing) svc.scheduler();
        Map<String, Integer> m = new TreeMap<>();
        for (IpvsDest d : mh.lookup) m.merge(d.endpoint(), 1, Integer::sum);
        return m;
    }
}
