package io.fnlab.sim.host;

import io.fnlab.sim.skb.SkBuff;
import java.util.function.Consumer;

/**
 * A host alone on its segments, for walking single packets through it without a Network (bench,
 * all-packets verification): every ARP request is answered, frames sent go to {@link #sent}
 * instead of a neighbour, no timers run, and the clock is whatever the caller sets.
 */
public abstract class IsolatedLink implements Link {
    public long clock;

    /** A frame the host put on dev. */
    protected abstract void sent(String dev, SkBuff skb);

    public String arpRequest(SimHost from, String dev, int sip, String sha, int tip) {
        return "02:00:00:00:00:01";
    }

    public void transmit(SimHost from, String dev, String dstMac, SkBuff skb) {
        sent(dev, skb);
    }

    public void loopback(SimHost host, String dev, SkBuff skb) {
        host.receive(dev, skb);
    }

    public void originate(SimHost host, SkBuff skb, String reason, Consumer<SkBuff> path) {
        path.accept(skb);
    }

    public void disposition(String what) {}

    public void after(SimHost host, long millis, Runnable r) {}

    public long now() {
        return clock;
    }
}
