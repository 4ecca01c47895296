package io.fnlab.sim.net;

import io.fnlab.sim.host.Device;
import io.fnlab.sim.host.Link;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.skb.SkBuff;
import java.util.function.Consumer;

/**
 * A host's link that shows each frame to a capture before the network carries it: what
 * {@code tcpdump -i any} would see on the sending host (leaving, now) and on the receiving host
 * (arriving, after {@link Network#WIRE_DELAY}). On lo a packet is seen leaving and coming back; a
 * tunnel's decapsulated packet (loopback on its own device) only arrives. Everything else is the
 * network's.
 */
public final class TappedLink implements Link {
    /** A frame at one host's capture point; mac is the sender's, for the cooked header. */
    public interface Capture {
        void frame(SimHost host, Device dev, String mac, boolean in, long time, SkBuff skb);
    }

    private static final String NO_MAC = "00:00:00:00:00:00";
    private final Network net;
    private final Capture capture;

    public TappedLink(Network net, Capture capture) {
        this.net = net;
        this.capture = capture;
    }

    @Override
    public String arpRequest(SimHost from, String dev, int sip, String sha, int tip) {
        return net.arpRequest(from, dev, sip, sha, tip);
    }

    @Override
    public void transmit(SimHost from, String dev, String dstMac, SkBuff skb) {
        Device d = from.devices().get(dev);
        capture.frame(from, d, d == null ? null : d.mac(), false, net.now(), skb);
        if (d != null) {
            // the receiver: the attachment on the same segment that owns the destination MAC (not the sender itself)
            for (Network.Attachment a : net.topology().edgeSet()) {
                if (a.segment().equals(d.segment()) && a.mac().equalsIgnoreCase(dstMac)
                        && !(a.host().equals(from.name()) && a.dev().equals(dev))) {
                    SimHost to = net.host(a.host());
                    capture.frame(to, to.devices().get(a.dev()), d.mac(), true, net.now() + Network.WIRE_DELAY, skb);
                    break;
                }
            }
        }
        net.transmit(from, dev, dstMac, skb);
    }

    @Override
    public void loopback(SimHost host, String dev, SkBuff skb) {
        Device d = host.devices().get(dev);
        if ("lo".equals(dev)) capture.frame(host, d, NO_MAC, false, net.now(), skb);
        capture.frame(host, d, NO_MAC, true, net.now(), skb);
        net.loopback(host, dev, skb);
    }

    @Override
    public void originate(SimHost host, SkBuff skb, String reason, Consumer<SkBuff> path) {
        net.originate(host, skb, reason, path);
    }

    @Override
    public void disposition(String what) {
        net.disposition(what);
    }

    @Override
    public void after(SimHost host, long millis, Runnable r) {
        net.after(host, millis, r);
    }

    @Override
    public long now() {
        return net.now();
    }
}
