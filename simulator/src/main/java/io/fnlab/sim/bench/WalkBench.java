package io.fnlab.sim.bench;

import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.host.Link;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.net.Network;
import io.fnlab.sim.skb.SkBuff;
import java.util.List;

/**
 * Packet walks through one simulated node with the tracer off: each connection is a client SYN
 * (eth0), the endpoint's SYN-ACK (cni0, to the address the node translated to), the client's ACK
 * and the client's RST, each a full walk (conntrack, nat and filter tables, ipsets, IPVS,
 * routing, neighbour output). The node is wired by {@link Network#addHost} exactly as a scenario
 * run wires it, but on a {@link BenchLink} that answers ARP at once, records the last frame sent
 * and lets the bench move the clock (1 ms per connection) so conntrack and IPVS entries expire
 * and client tuples from a fixed pool can be reused: memory stays bounded however long it runs.
 */
public final class WalkBench {
    /**
     * The packets of one connection. CHURN: SYN, SYN-ACK, ACK, RST (every fourth packet opens a
     * connection: the worst case for a director). HTTP: a short request and response closed by
     * both sides, ten packets (SYN, SYN-ACK, ACK, request, its ACK, response, its ACK, the client's
     * FIN, the server's FIN, the last ACK), the shape most of a director's packets have.
     */
    public enum Mix {
        CHURN(4), HTTP(10);

        public final int packets;

        Mix(int packets) {
            this.packets = packets;
        }
    }

    /**
     * Result of a run: walks, connections, those that reached the endpoint, nanoseconds taken, and
     * the CPU nanoseconds the walking thread used (on a shared machine the thread may wait for a
     * core: walks per CPU second is the rate on one core, walks per second what the wall clock saw).
     */
    public record Result(long walks, long connections, long established, long nanos, long cpuNanos) {
        public double walksPerSecond() {
            return walks * 1e9 / Math.max(1, nanos);
        }

        public double walksPerCpuSecond() {
            return walks * 1e9 / Math.max(1, cpuNanos);
        }

        public double connectionsPerSecond() {
            return connections * 1e9 / Math.max(1, nanos);
        }
    }

    private static final int CLIENT_POOL = 1 << 16;
    private static final int CLIENT_BASE = KubeWorkloads.ip(192, 168, 1, 0);

    private final KubeWorkloads w;
    private final SimHost node;
    private final BenchLink link = new BenchLink();
    private final Mix mix;
    private long connSeq;
    /** Packets of the HTTP mix that did not come out where a forwarded packet should (tests read it). */
    long lost;

    /** A bench over a scenario made by {@code w}: its host "node" is the one walked, with the CHURN mix. */
    public WalkBench(KubeWorkloads w, Scenario s) {
        this(w, s, Mix.CHURN);
    }

    /** A bench over a scenario made by {@code w} with the given packet mix. */
    public WalkBench(KubeWorkloads w, Scenario s, Mix mix) {
        this.w = w;
        this.mix = mix;
        Network n = new Network(1, false);
        Host model = s.hosts().stream().filter(h -> h.name().equals("node")).findFirst().orElseThrow();
        node = n.addHost(model, List.of());
        node.setLink(link);
    }

    public Mix mix() {
        return mix;
    }

    public SimHost node() {
        return node;
    }

    /** Run {@code connections} connections (the mix's packets each) round-robin over the services. */
    public Result run(long connections) {
        long est = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (long k = 0; k < connections; k++) {
            if (connection()) est++;
        }
        long t1 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        return new Result(connections * mix.packets, connections, est, t1 - t0, c0 < 0 ? t1 - t0 : c1 - c0);
    }

    /** One connection: true when the SYN reached an endpoint and the reply made it back to the client. */
    boolean connection() {
        long c = connSeq++;
        link.clock++;
        int svc = (int) (c % w.services());
        int slot = (int) (c % CLIENT_POOL);
        int caddr = CLIENT_BASE + (slot >>> 4) * 1;
        int cport = 32768 + (slot & 15) * 1024 + (int) ((c / CLIENT_POOL) & 1023);
        int vip = w.clusterIp(svc), vport = w.servicePort(svc);

        link.last = null;
        node.receive("eth0", tcp(caddr, cport, vip, vport, 0x02));
        SkBuff out = link.last;
        if (out == null || !"cni0".equals(link.lastDev)) return false;
        int ns = out.saddr, nsport = out.sport, ep = out.daddr, epport = out.dport;

        link.last = null;
        node.receive("cni0", tcp(ep, epport, ns, nsport, 0x12));
        SkBuff back = link.last;
        boolean ok = back != null && back.daddr == caddr && back.dport == cport && back.saddr == vip;

        node.receive("eth0", tcp(caddr, cport, vip, vport, 0x10));
        if (mix == Mix.CHURN) {
            node.receive("eth0", tcp(caddr, cport, vip, vport, 0x04));
            return ok;
        }
        // HTTP: request and response, then both sides close (each packet must come out forwarded)
        toServer(tcp(caddr, cport, vip, vport, 0x18), ep);
        toClient(tcp(ep, epport, ns, nsport, 0x10), caddr);
        toClient(tcp(ep, epport, ns, nsport, 0x18), caddr);
        toServer(tcp(caddr, cport, vip, vport, 0x10), ep);
        toServer(tcp(caddr, cport, vip, vport, 0x11), ep);
        toClient(tcp(ep, epport, ns, nsport, 0x11), caddr);
        toServer(tcp(caddr, cport, vip, vport, 0x10), ep);
        return ok;
    }

    private void toServer(SkBuff skb, int ep) {
        link.last = null;
        node.receive("eth0", skb);
        if (link.last == null || link.last.daddr != ep) lost++;
    }

    private void toClient(SkBuff skb, int caddr) {
        link.last = null;
        node.receive("cni0", skb);
        if (link.last == null || link.last.daddr != caddr) lost++;
    }

    private static SkBuff tcp(int s, int sp, int d, int dp, int flags) {
        SkBuff b = new SkBuff();
        b.saddr = s;
        b.daddr = d;
        b.protocol = 6;
        b.sport = sp;
        b.dport = dp;
        b.tcpFlags = flags;
        return b;
    }

    /** The node's only neighbourhood: frames sent are recorded, not delivered. */
    static final class BenchLink extends io.fnlab.sim.host.IsolatedLink {
        SkBuff last;
        String lastDev;

        @Override
        protected void sent(String dev, SkBuff skb) {
            last = skb;
            lastDev = dev;
        }
    }
}
