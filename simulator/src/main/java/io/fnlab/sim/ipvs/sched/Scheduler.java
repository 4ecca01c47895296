package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/**
 * struct ip_vs_scheduler: one instance per service holds that service's sched_data. schedule()
 * returns the chosen destination (or none) with the reason in the scheduler's own terms.
 */
public interface Scheduler {
    String name();

    /** init_service. */
    default void init(IpvsService svc) {}

    /** add_dest (the dest is already linked at the head). */
    default void destAdded(IpvsService svc, IpvsDest d) {
        destsChanged(svc);
    }

    /** Called before the dest is unlinked (rr moves its cursor back, as ip_vs_rr_del_dest does). */
    default void destRemoving(IpvsService svc, IpvsDest d) {}

    /** del_dest (the dest is already unlinked). */
    default void destRemoved(IpvsService svc, IpvsDest d) {
        destsChanged(svc);
    }

    /** upd_dest (weight changed). */
    default void destUpdated(IpvsService svc, IpvsDest d) {
        destsChanged(svc);
    }

    default void destsChanged(IpvsService svc) {}

    /** ip_vs_scheduler.schedule; now is the simulated time in ms (lblc/lblcr caches). */
    Pick schedule(IpvsService svc, SkBuff skb, long now);

    /**
     * The scheduler's answer: dest null means "no destination available". The reason is only read
     * when a trace is kept, so a scheduler on the hot path hands over a supplier instead of
     * building the text for every connection.
     */
    record Pick(IpvsDest dest, java.util.function.Supplier<String> why) {
        public Pick(IpvsDest dest, String reason) {
            this(dest, () -> reason);
        }

        public String reason() {
            return why.get();
        }

        public static Pick none(String reason) {
            return new Pick(null, reason);
        }
    }
}
