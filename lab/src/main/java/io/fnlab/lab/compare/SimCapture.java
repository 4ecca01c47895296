package io.fnlab.lab.compare;

import io.fnlab.lab.pcap.CapturedPacket;
import io.fnlab.lab.pcap.Direction;
import io.fnlab.lab.pcap.L2Meta;
import io.fnlab.lab.pcap.LinkType;
import io.fnlab.lab.pcap.MacAddress;
import io.fnlab.lab.pcap.PcapWriter;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.host.Device;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import io.fnlab.sim.net.TappedLink;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a scenario in the simulator with a tap on every host's link, recording what
 * {@code tcpdump -i any} on each host would see: a packet leaving on a device (dev_queue_xmit_nit,
 * direction OUT), the same packet arriving on the receiver's device (netif_receive_skb, IN), and
 * both for the loopback device. Each recorded packet is tied to the trace step that predicted it.
 */
public final class SimCapture {
    /** Capture timestamps: simulated milliseconds after this instant (2026-01-01T00:00:00Z). */
    public static final long EPOCH_NANOS = 1_767_225_600_000_000_000L;

    private final Scenario scenario;
    private final Map<String, List<SimPacket>> byPoint = new LinkedHashMap<>();
    private final List<FlowResult> results;

    private SimCapture(Scenario scenario, long seed) {
        this.scenario = scenario;
        Network net = Network.of(scenario, seed);
        List<Pending> pending = new ArrayList<>();
        for (SimHost h : net.hosts().values()) {
            byPoint.put(h.name(), new ArrayList<>());
            // what tcpdump -i any would see, without this host's private skb state (as it leaves on a wire)
            h.setLink(new TappedLink(net, (host, dev, mac, in, time, skb) -> pending.add(
                    new Pending(host.name(), dev, mac, in ? Direction.IN : Direction.OUT, time, SimHost.scrubbed(skb)))));
        }
        List<Traffic.Flow> flows = scenario.traffic().stream().filter(t -> t instanceof Traffic.Flow).map(t -> (Traffic.Flow) t).toList();
        results = net.run(flows);
        // the predicting steps: Transmitted/Received with the same host, device and packet text, in send order
        Map<String, ArrayDeque<Object[]>> steps = new LinkedHashMap<>();
        for (Trace t : net.traces()) {
            for (Hop hop : t.hops()) {
                for (Step s : hop.steps()) {
                    String key = null;
                    if (s instanceof Step.Transmitted tx) key = key(hop.host(), tx.dev(), Direction.OUT, tx.packet());
                    else if (s instanceof Step.Received rx) key = key(hop.host(), rx.dev(), Direction.IN, rx.packet());
                    if (key != null) steps.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Object[] {t, s});
                }
            }
        }
        pending.sort((a, b) -> Long.compare(a.time, b.time)); // stable: same-time packets keep their order
        for (Pending p : pending) {
            ArrayDeque<Object[]> q = steps.get(key(p.host, p.dev, p.dir, p.text));
            Object[] ts = q == null ? null : q.poll();
            byPoint.get(p.host).add(new SimPacket(p.host, p.dev, p.ifIndex, p.mac, p.dir, p.flow, p.time, p.packet,
                    ts == null ? null : (Trace) ts[0], ts == null ? null : (Step) ts[1], p.skb));
        }
    }

    /** Simulates the scenario (with the given seed) and records every host's capture. */
    public static SimCapture run(Scenario scenario, long seed) {
        return new SimCapture(scenario, seed);
    }

    public Scenario scenario() {
        return scenario;
    }

    public List<FlowResult> results() {
        return results;
    }

    /** Host names, in scenario order. */
    public List<String> points() {
        return List.copyOf(byPoint.keySet());
    }

    /** What the host's tcpdump -i any would see, in time order (empty for an unknown host). */
    public List<SimPacket> at(String point) {
        return byPoint.getOrDefault(point, List.of());
    }

    /** Writes DIR/HOST.pcap per host: Linux cooked v2 with ifindex and direction, as tcpdump -i any writes. */
    public List<Path> writePcaps(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        List<Path> out = new ArrayList<>();
        for (var e : byPoint.entrySet()) {
            Path f = dir.resolve(e.getKey() + ".pcap");
            try (PcapWriter w = PcapWriter.create(f, LinkType.LINUX_SLL2)) {
                for (SimPacket p : e.getValue()) {
                    MacAddress mac = p.srcMac() == null ? MacAddress.ZERO : MacAddress.parse(p.srcMac());
                    w.write(EPOCH_NANOS + p.timeMillis() * 1_000_000L, p.skb(), L2Meta.cooked(p.ifIndex(), p.direction(), mac));
                }
            }
            out.add(f);
        }
        return out;
    }

    private static String key(String host, String dev, Direction d, String packet) {
        return host + "\u0000" + dev + "\u0000" + d + "\u0000" + packet;
    }

    private static final class Pending {
        final String host, dev, mac, flow, text;
        final int ifIndex;
        final Direction dir;
        final long time;
        final CapturedPacket packet;
        final SkBuff skb;

        /** skb: a private copy, kept as it is. */
        Pending(String host, Device dev, String mac, Direction dir, long time, SkBuff skb) {
            this.host = host;
            this.dev = dev == null ? "?" : dev.name();
            this.ifIndex = dev == null ? 0 : dev.ifindex();
            this.mac = mac;
            this.dir = dir;
            this.time = time;
            this.flow = skb.flow;
            this.text = skb.toString();
            this.packet = CapturedPacket.fromSkBuff(skb);
            this.skb = skb;
        }
    }
}
