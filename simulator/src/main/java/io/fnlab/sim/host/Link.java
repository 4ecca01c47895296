package io.fnlab.sim.host;

import io.fnlab.sim.skb.SkBuff;
import java.util.function.Consumer;

/** What a host needs from the network it sits in (io.fnlab.sim.net.Network implements it). */
public interface Link {
    /** Broadcast an ARP request for tip on dev's segment; the MAC of the first host that answers, or null. */
    String arpRequest(SimHost from, String dev, int sip, String sha, int tip);

    /** Put the packet on dev's segment, addressed to dstMac; its trace continues on the receiver. */
    void transmit(SimHost from, String dev, String dstMac, SkBuff skb);

    /** loopback_xmit: the packet comes back into this host (netif_rx), same trace. */
    void loopback(SimHost host, String dev, SkBuff skb);

    /** A new packet generated on this host (socket send, RST, ICMP error or redirect): own trace, walked at once. */
    void originate(SimHost host, SkBuff skb, String reason, Consumer<SkBuff> path);

    /** The current packet's end, for its trace. */
    void disposition(String what);

    void after(SimHost host, long millis, Runnable r);

    long now();

    /** A link for a host on its own: nothing is connected, new packets run at once. */
    Link NONE = new Link() {
        public String arpRequest(SimHost from, String dev, int sip, String sha, int tip) {
            return null;
        }

        public void transmit(SimHost from, String dev, String dstMac, SkBuff skb) {}

        public void loopback(SimHost host, String dev, SkBuff skb) {
            host.receive(dev, skb);
        }

        public void originate(SimHost host, SkBuff skb, String reason, Consumer<SkBuff> path) {
            path.accept(skb);
        }

        public void disposition(String what) {}

        public void after(SimHost host, long millis, Runnable r) {}

        public long now() {
            return 0;
        }
    };
}
