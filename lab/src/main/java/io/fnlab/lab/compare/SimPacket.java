package io.fnlab.lab.compare;

import io.fnlab.lab.pcap.CapturedPacket;
import io.fnlab.lab.pcap.Direction;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;

/**
 * One packet as the simulator says a capture point sees it: the host (capture point), device and
 * direction (as tcpdump -i any on that host would record it), the connection it belongs to, the
 * simulated time, its headers, and the trace step that predicted it (Transmitted for OUT,
 * Received for IN) with the packet's whole trace; step and trace are null if no step matched.
 * {@code skb} is a copy of the simulated packet, for writing it to a capture file.
 */
public record SimPacket(String point, String dev, int ifIndex, String srcMac, Direction direction, String flow,
                        long timeMillis, CapturedPacket packet, Trace trace, Step step, SkBuff skb) {

    /** The trace line that predicted this packet, for reports. */
    public String predictedBy() {
        if (step == null) return "no trace step recorded";
        return (trace == null ? "" : trace.flow() + ": ") + point + " " + step;
    }
}
