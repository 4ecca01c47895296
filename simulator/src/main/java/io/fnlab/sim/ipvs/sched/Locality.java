package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import java.util.List;

/** Helpers shared by ip_vs_lblc.c and ip_vs_lblcr.c. */
final class Locality {
    /** sysctl lblc_expiration / lblcr_expiration default: 24 hours (in ms here). */
    static final long EXPIRATION_MS = 24L * 60 * 60 * 1000;

    private Locality() {}

    /**
     * is_overloaded: activeconns > weight and some dest of the service has activeconns * 2 < weight
     * (a server at less than half load exists).
     */
    static boolean isOverloaded(IpvsDest dest, IpvsService svc) {
        if (dest.activeConns() > dest.weight()) {
            for (IpvsDest d : svc.dests()) if (d.activeConns() * 2 < d.weight()) return true;
        }
        return false;
    }

    /** __ip_vs_lblc_schedule / __ip_vs_lblcr_schedule: weighted least-connection over the service. */
    static IpvsDest wlc(IpvsService svc) {
        List<IpvsDest> l = svc.dests();
        IpvsDest least = null;
        int i = 0;
        for (; i < l.size(); i++) {
            IpvsDest d = l.get(i);
            if (d.overloaded()) continue;
            if (d.weight() > 0) {
                least = d;
                break;
            }
        }
        if (least == null) return null;
        long loh = least.overhead();
        for (i++; i < l.size(); i++) {
            IpvsDest d = l.get(i);
            if (d.overloaded()) continue;
            long doh = d.overhead();
            if (loh * d.weight() > doh * least.weight()) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
}
