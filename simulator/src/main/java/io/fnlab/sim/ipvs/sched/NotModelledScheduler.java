package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;

/**
 * A scheduler name fnlab does not model (for example "twos", or a name the kernel would reject with
 * "Scheduler not found"): it never picks a server and says why, instead of guessing.
 */
final class NotModelledScheduler implements Scheduler {
    private final String name;

    NotModelledScheduler(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        return Pick.none("scheduler '" + name + "' is not modelled by fnlab (modelled: " + Schedulers.NAMES + ")");
    }
}
