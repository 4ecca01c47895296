package io.fnlab.sim.net;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.host.Device;
import io.fnlab.sim.host.Link;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.host.TableWalker;
import io.fnlab.sim.ipvs.Ipvs;
import io.fnlab.sim.netfilter.XtTables;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.sock.ClientConn;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import io.fnlab.sim.trace.Tracer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jgrapht.Graph;
import org.jgrapht.graph.Pseudograph;

/**
 * Hosts on L2 segments and the event loop that moves packets between them. The topology is a
 * JGraphT graph: hosts and segments are vertices, each ethernet interface an edge. Every host gets
 * its own random generator derived from the network's seed and its name, so runs repeat exactly.
 */
public final class Network implements Link {
    /** A vertex: a host or a segment. */
    public record Node(Kind kind, String name) {
        public enum Kind { HOST, SEGMENT }
    }

    /** An edge: a host's interface on a segment. */
    public record Attachment(String host, String dev, String mac, String segment) {}

    /** Milliseconds a frame takes across a segment. */
    public static final long WIRE_DELAY = 1;
    /** How long a client waits for an answer (its SYN is retransmitted at 1, 3 and 7 s meanwhile). */
    public static final long CLIENT_TIMEOUT = 10_000;

    private final long seed;
    private final boolean tracing;
    private final Graph<Node, Attachment> topology = new Pseudograph<>(null, null, false);
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private final Map<String, List<Attachment>> segments = new LinkedHashMap<>();
    private final EventLoop loop = new EventLoop();
    private final List<PacketTrace> traces = new ArrayList<>();
    private final Map<String, Served> served = new LinkedHashMap<>();
    private final java.util.Set<String> serverClosed = new java.util.HashSet<>();
    private final Map<String, Ipvs> ipvs = new LinkedHashMap<>();
    private PacketTrace current;
    private long packetSeq;
    private long clientTimeout = CLIENT_TIMEOUT;

    private record Served(String host, String socket, FiveTuple view) {}

    public Network(long seed, boolean tracing) {
        this.seed = seed;
        this.tracing = tracing;
    }

    /**
     * A network with every host and server of a scenario, each host wired as a kernel is: its
     * iptables tables compiled by the netfilter package (XtTables; a rule the kernel would refuse
     * throws io.fnlab.model.parse.ParseError), its ipsets, and IPVS with its services.
     */
    public static Network of(Scenario s, long seed) {
        Network n = new Network(seed, true);
        for (Host h : s.hosts()) n.addHost(h, s.servers());
        return n;
    }

    /** A network with every host and server of a scenario, all walking tables with the given walker (tests). */
    public static Network of(Scenario s, long seed, TableWalker walker) {
        Network n = new Network(seed, true);
        for (Host h : s.hosts()) n.addHost(h, s.servers(), walker);
        return n;
    }

    /** As {@link #of(Scenario, long, TableWalker)} with a walker per host (the xtables walker is built from each host's ruleset). */
    public static Network of(Scenario s, long seed, java.util.function.Function<Host, TableWalker> walkers) {
        Network n = new Network(seed, true);
        for (Host h : s.hosts()) n.addHost(h, s.servers(), walkers.apply(h));
        return n;
    }

    /** Adds a host wired as the kernel is: XtTables for its ruleset, its ipsets, IPVS for its services. */
    public SimHost addHost(Host model, List<Server> servers) {
        SimHost h = addHost(model, servers, TableWalker.PLACEHOLDER);
        XtTables xt = XtTables.build(model.config().iptables(), h.ipsets()::exists);
        h.setWalker(TableWalker.of(xt));
        ipvs.put(model.name(), Ipvs.attach(model.config().ipvs(), h.hooks(), h.stack()));
        return h;
    }

    /** The IPVS instance of a host added by {@link #addHost(Host, List)}; null otherwise. */
    public Ipvs ipvs(String host) {
        return ipvs.get(host);
    }

    public SimHost addHost(Host model, List<Server> servers, TableWalker walker) {
        if (hosts.containsKey(model.name())) throw new IllegalArgumentException("two hosts named '" + model.name() + "'");
        RandomGenerator rnd = new SplittableRandom(seed ^ (model.name().hashCode() * 0x9E3779B97F4A7C15L));
        SimHost h = new SimHost(model, servers, walker, rnd);
        h.setLink(this);
        h.setFlowListener(new SimHost.FlowListener() {
            public void served(String flow, String host, String socket, FiveTuple view) {
                served.putIfAbsent(flow, new Served(host, socket, view));
            }

            public void closed(String flow, String host) {
                serverClosed.add(flow);
            }
        });
        hosts.put(model.name(), h);
        Node hv = new Node(Node.Kind.HOST, model.name());
        topology.addVertex(hv);
        for (Device d : h.devices().values()) {
            if (d.kind() != Interface.Kind.ETHERNET || d.segment() == null) continue;
            Node sv = new Node(Node.Kind.SEGMENT, d.segment());
            topology.addVertex(sv);
            Attachment a = new Attachment(model.name(), d.name(), d.mac(), d.segment());
            for (Attachment o : segments.getOrDefault(d.segment(), List.of()))
                if (o.mac().equalsIgnoreCase(a.mac()))
                    throw new IllegalArgumentException("MAC " + a.mac() + " of " + a.host() + " " + a.dev() + " is already used by "
                            + o.host() + " " + o.dev() + " on segment " + d.segment());
            topology.addEdge(hv, sv, a);
            segments.computeIfAbsent(d.segment(), k -> new ArrayList<>()).add(a);
        }
        return h;
    }

    public SimHost host(String name) {
        return hosts.get(name);
    }

    public Map<String, SimHost> hosts() {
        return hosts;
    }

    public Graph<Node, Attachment> topology() {
        return topology;
    }

    public EventLoop loop() {
        return loop;
    }

    /**
     * How long each client waits before it gives up (default {@link #CLIENT_TIMEOUT}): a run that
     * is compared with the lab uses the probe's timeout, so that both sides retransmit as often
     * (which matters where a rate limit, such as the ICMP redirect back-off, counts the packets).
     */
    public void clientTimeout(long millis) {
        this.clientTimeout = millis;
    }

    // ---- Link ----

    private Attachment attachment(SimHost h, String dev) {
        for (List<Attachment> l : segments.values())
            for (Attachment a : l) if (a.host().equals(h.name()) && a.dev().equals(dev)) return a;
        return null;
    }

    @Override
    public String arpRequest(SimHost from, String dev, int sip, String sha, int tip) {
        Attachment me = attachment(from, dev);
        if (me == null) return null;
        String answer = null;
        for (Attachment a : segments.get(me.segment())) {
            if (a == me) continue;
            String mac = hosts.get(a.host()).arpReceive(a.dev(), sip, sha, tip);
            if (mac != null && answer == null) answer = mac; // the first reply wins (neigh locktime)
        }
        return answer;
    }

    @Override
    public void transmit(SimHost from, String dev, String dstMac, SkBuff skb) {
        Attachment me = attachment(from, dev);
        if (me == null) {
            disposition("lost: " + from.name() + " " + dev + " is on no segment");
            return;
        }
        PacketTrace pt = current;
        SkBuff wire = SimHost.scrubbed(skb);
        for (Attachment a : segments.get(me.segment())) {
            if (a != me && a.mac().equalsIgnoreCase(dstMac)) {
                SimHost to = hosts.get(a.host());
                loop.at(loop.now() + WIRE_DELAY, () -> run(pt, to, wire, () -> to.receive(a.dev(), wire)));
                return;
            }
        }
        disposition("lost on segment " + me.segment() + ": nobody has " + dstMac);
    }

    @Override
    public void loopback(SimHost host, String dev, SkBuff skb) {
        PacketTrace pt = current;
        loop.at(loop.now(), () -> run(pt, host, skb, () -> host.receive(dev, skb)));
    }

    /**
     * A packet the host generates (socket send, RST, ICMP error or redirect) walks its own path at
     * once, in the middle of whatever the host was doing, as icmp_send and ip_local_out do in the
     * kernel: an ICMP redirect leaves before the packet that caused it goes on to FORWARD. Its
     * trace is its own; the caller's trace and tracer are restored afterwards.
     */
    @Override
    public void originate(SimHost host, SkBuff skb, String reason, Consumer<SkBuff> path) {
        PacketTrace pt = tracing ? new PacketTrace("p" + (++packetSeq), skb.flow) : null;
        if (pt != null) traces.add(pt);
        run(pt, host, skb, () -> {
            if (current != null) host.tracer().step(new Step.Note("sent by " + reason));
            path.accept(skb);
        });
    }

    private void run(PacketTrace pt, SimHost host, SkBuff skb, Runnable r) {
        PacketTrace saved = current;
        Tracer savedTracer = host.tracer();
        current = pt;
        host.setTracer(pt == null ? Tracer.OFF : pt.on(host.name(), skb.toString()));
        try {
            r.run();
        } finally {
            host.setTracer(savedTracer);
            current = saved;
        }
    }

    @Override
    public void disposition(String what) {
        if (current != null) current.disposition = what;
    }

    @Override
    public void after(SimHost host, long millis, Runnable r) {
        loop.at(loop.now() + millis, r);
    }

    @Override
    public long now() {
        return loop.now();
    }

    // ---- traffic ----

    /** Run the flows (each connection of a flow after the previous one ended) and report every connection. */
    public List<FlowResult> run(List<Traffic.Flow> flows) {
        List<ClientConn> conns = new ArrayList<>();
        List<String> flowIds = new ArrayList<>();
        long horizon = 0;
        for (Traffic.Flow f : flows) {
            SimHost h = hosts.get(f.from());
            if (h == null) throw new IllegalArgumentException("flow " + f.id() + ": no host '" + f.from() + "'");
            horizon = Math.max(horizon, f.startMillis() + (long) Math.max(1, f.repeat()) * (clientTimeout + 100));
            loop.at(f.startMillis(), () -> startConnection(h, f, 0, conns, flowIds));
        }
        loop.run(horizon + 10_000);
        // One pass over the traces, not one per connection: the service matrix runs thousands of connections.
        Map<String, List<Trace>> byFlow = new java.util.HashMap<>();
        for (PacketTrace pt : traces) byFlow.computeIfAbsent(pt.flow, k -> new ArrayList<>()).add(pt.toTrace());
        List<FlowResult> out = new ArrayList<>();
        for (int i = 0; i < conns.size(); i++) {
            ClientConn c = conns.get(i);
            Served s = served.get(c.flow);
            List<Trace> ts = byFlow.getOrDefault(c.flow, List.of());
            boolean closed = c.protocol.number() == 6 && c.timeWait && serverClosed.contains(c.flow);
            out.add(new FlowResult(flowIds.get(i), c.flow, c.outcome == null ? Outcome.TIMEOUT : c.outcome, c.detail,
                    c.tuple(), s == null ? null : s.view(), s == null ? null : s.host(), s == null ? null : s.socket(),
                    c.response, ts, closed));
        }
        return out;
    }

    private void startConnection(SimHost h, Traffic.Flow f, int k, List<ClientConn> conns, List<String> ids) {
        int repeat = Math.max(1, f.repeat());
        String label = repeat > 1 ? f.id() + "#" + (k + 1) : f.id();
        boolean[] next = {false};
        Runnable startNext = () -> {
            if (next[0] || k + 1 >= repeat) return;
            next[0] = true;
            loop.at(loop.now() + 100, () -> startConnection(h, f, k + 1, conns, ids));
        };
        // a fixed sport steps with the repeat (sport, sport+1, ...), as the lab's probes bind them: the
        // client's TIME_WAIT would refuse the same four-tuple 100 ms later on a real kernel
        ClientConn c = h.sockets().connect(label, f.protocol(), f.to().address(), f.to().port(),
                f.sourcePort() == null ? null : f.sourcePort() + k, f.request(), f.close(), conn -> startNext.run());
        conns.add(c);
        ids.add(f.id());
        loop.at(loop.now() + clientTimeout, () -> {
            c.giveUp("no answer within " + clientTimeout + " ms");
            startNext.run();
        });
    }

    /** Every packet trace of the run so far, in the order the packets were sent. */
    public List<Trace> traces() {
        return traces.stream().map(PacketTrace::toTrace).toList();
    }
}
