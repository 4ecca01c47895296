package io.fnlab.sim.verify.allpackets;

import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.PolicyRule;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Server;
import io.fnlab.sim.host.Device;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.net.Network;
import io.fnlab.sim.route.RouteResult;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.sock.SocketLayer;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import io.fnlab.sim.trace.Tracer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All-packets verification of one director: the header space of a new connection (source
 * address, destination address, protocol, source port, destination port, in-interface) is cut
 * into equivalence classes, and one representative packet per class is walked through the
 * model with the tracer off.
 *
 * <p><b>Destinations.</b> Every IPVS virtual service (protocol, VIP, port) with real servers;
 * for a fwmark service, each destination of a rule that sets its mark (-d/--dst-range/a dst set,
 * -p, --dport); and for every VIP that is only a service address (on a dummy device or lo, or a
 * /32 alias, not a host's own subnet address), each atom of its TCP and UDP destination-port
 * space that is no service (the atoms come from every --dport/multiport/set port/conntrack port
 * test of a rule that can see that VIP, the service ports and the ports the director's own
 * sockets listen on), and an ICMP echo request.
 *
 * <p><b>Sources, per destination.</b> Only rules that can see the destination (see
 * {@link HeaderTests}: none of their -d/-p/--dport/set-dst tests excludes the VIP:port, or the
 * real server or DNAT target it becomes) cut the source space: their -s, --src-range,
 * --ctorigsrc prefixes, the src dimensions of their sets' entries for that destination, and
 * their --sport ranges. So KUBE-LOOP-BACK gives each endpoint its own hairpin class for the
 * services it serves and nothing for the others, and 10,000 services do not multiply each
 * other's cuts. The director's routes (and policy-rule `from` prefixes) also cut the source
 * space: a source class arrives on the interface the director's route back to it leaves by (the
 * interface a client there uses with symmetric routing, and the one rp_filter=1 accepts).
 * Sources with no route back, loopback and the director's own addresses are no clients and
 * are listed in the report's notes. Marks and conntrack state are not dimensions: a new
 * connection arrives with mark 0 and no entry, and the walk sets and tests marks as the
 * rules do.
 *
 * <p><b>Properties.</b> (1) A new connection to a service with real servers leaves towards one of
 * them. (2) A new connection to a service address on a port (or protocol) that is no service is
 * neither forwarded nor delivered to a socket: reaching a socket that listens there is an
 * error, reaching the local stack where nothing listens in the scenario a warning (any socket
 * bound to 0.0.0.0 would get it: kubernetes#72236); an ICMP echo request to it is not forwarded.
 * (3) A fwmark service's mark is set by some rule. Failing classes are grouped by property,
 * outcome and the rule that dropped or rejected them, each group with a witness packet, its
 * trace (walked again with the tracer on) and that rule.
 */
public final class AllPackets {
    public static final String SERVICE_NOT_REACHED = "service-not-reached";
    public static final String NON_SERVICE_PORT_DELIVERED = "non-service-port-delivered";
    public static final String NON_SERVICE_PORT_FORWARDED = "non-service-port-forwarded";
    public static final String NON_SERVICE_PORT_OPEN = "non-service-port-reaches-stack";
    public static final String FWMARK_NEVER_SET = "fwmark-never-set";

    /** A witness packet: every header field fnlab models and the interface it arrives on. */
    public record Witness(String protocol, Ipv4 src, int sport, Ipv4 dst, int dport, String inDev) {
        @Override
        public String toString() {
            if (protocol.equals("icmp")) return "icmp echo-request " + src + " -> " + dst + " id " + sport + " in " + inDev;
            return protocol + " " + src + ":" + sport + " -> " + dst + ":" + dport + (protocol.equals("tcp") ? " [SYN]" : "")
                    + " in " + inDev;
        }
    }

    /**
     * A group of failing classes with one property and one outcome: how many classes, the
     * destinations they went to (the first few and how many), a witness, what happened to it,
     * its trace and the rule that decided it (null when none did).
     */
    public record Failure(String property, boolean error, String outcome, long classes, List<String> destinations,
                          int destinationCount, Witness witness, String witnessOutcome, Trace trace, Step.RuleMatched rule) {
        public Failure {
            destinations = List.copyOf(destinations);
        }
    }

    /**
     * classes: how many classes were walked; notes: what was not verified and why; nanos: wall
     * time; cpuNanos: the verifying thread's CPU time (-1 when the JVM cannot tell), the fairer
     * figure on a shared machine.
     */
    public record Report(String host, long classes, List<Failure> failures, List<String> notes, long nanos, long cpuNanos) {
        public Report {
            failures = List.copyOf(failures);
            notes = List.copyOf(notes);
        }

        public boolean holds() {
            return failures.stream().noneMatch(Failure::error);
        }

        /** Classes in failing groups at error level. */
        public long failingClasses() {
            return failures.stream().filter(Failure::error).mapToLong(Failure::classes).sum();
        }
    }

    private static final int MAX_DESTINATIONS_SHOWN = 5;
    private static final int MAX_NOTES = 12;

    private final Host model;
    private final SimHost h;
    private final Capture cap = new Capture();
    private final HeaderTests tests;
    private final Cells routeCuts = Cells.addresses();
    private final List<Server> listeners = new ArrayList<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private long classes;
    private int sportCounter;

    private AllPackets(Host director, List<Server> servers) {
        model = director;
        Network n = new Network(1, false);
        List<Server> mine = servers.stream().filter(s -> s.host().equals(director.name())).toList();
        listeners.addAll(mine);
        h = n.addHost(director, mine);
        h.setLink(cap);
        tests = new HeaderTests(director.config());
        // each route (and policy rule) is a test of its own: negative ids, apart from the rules' tests
        long id = -1;
        for (List<Route> t : h.fib().tables().values())
            for (Route r : t)
                if (r.type() != Route.Type.LOCAL && r.type() != Route.Type.BROADCAST && r.destination() != null)
                    routeCuts.cut(Ranges.lo(r.destination()), Ranges.hi(r.destination()), id--);
        for (PolicyRule pr : h.fib().rules())
            if (pr.from() != null) routeCuts.cut(Ranges.lo(pr.from()), Ranges.hi(pr.from()), id--);
    }

    /** Verify {@code director} alone (no listening sockets of its own). */
    public static Report verify(Host director) {
        return verify(director, List.of());
    }

    /** Verify {@code director}; servers are the scenario's listening sockets (those of the director are used). */
    public static Report verify(Host director, List<Server> servers) {
        long t0 = System.nanoTime();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
        AllPackets a = new AllPackets(director, servers);
        a.run();
        List<Failure> fs = new ArrayList<>();
        for (Group g : a.groups.values()) fs.add(a.finish(g));
        fs.sort((x, y) -> Boolean.compare(y.error(), x.error()));
        List<String> notes = new ArrayList<>(a.notes);
        if (a.noRouteExample != null)
            notes.add(0, "source addresses with no route back from the director (e.g. " + a.noRouteExample + ") are no clients: "
                    + "not verified");
        long cpu = c0 < 0 ? -1 : mx.getCurrentThreadCpuTime() - c0;
        return new Report(director.name(), a.classes, fs, notes, System.nanoTime() - t0, cpu);
    }

    /**
     * For tests of the partition itself: walks any packet to a service and returns the outcome it
     * would be grouped by, or null when it holds. A packet whose source has no route back (no
     * client) gives null too.
     */
    static final class Probe {
        private final AllPackets a;

        Probe(Host director, List<Server> servers) {
            a = new AllPackets(director, servers);
        }

        String service(VirtualService vs, int src, int sport) {
            String dev = a.clientDev(src);
            if (dev == null) return null;
            int proto = vs.key().protocol().number();
            Witness w = new Witness(proto == 6 ? "tcp" : "udp", new Ipv4(src), sport, vs.key().address(), vs.key().port(), dev);
            a.walk(w);
            Broken b = a.serviceOutcome(a.cap, vs, vs.key().address().bits(), w);
            return b == null ? null : b.property() + ": " + b.outcome();
        }
    }

    // ---------------------------------------------------------------- destinations

    private void run() {
        // per service address: protocol -> port ranges that are services
        Map<Integer, Map<Integer, List<PortRange>>> servicePorts = new LinkedHashMap<>();
        List<VirtualService> fwmarks = new ArrayList<>();
        for (VirtualService vs : model.config().ipvs().services()) {
            if (vs.key().isFwmark()) {
                fwmarks.add(vs);
                continue;
            }
            int proto = vs.key().protocol().number();
            int vip = vs.key().address().bits();
            servicePorts.computeIfAbsent(vip, k -> new LinkedHashMap<>()).computeIfAbsent(proto, k -> new ArrayList<>())
                    .add(PortRange.single(vs.key().port()));
            if (proto != 6 && proto != 17) {
                note(vs.key() + ": only TCP and UDP services are verified");
                continue;
            }
            if (vs.servers().isEmpty()) {
                note(vs.key() + " has no real server: not a class (IPVS answers ICMP port unreachable)");
                continue;
            }
            service(vs, vip, proto, vs.key().port(), vs.key().toString());
        }
        for (VirtualService vs : fwmarks) {
            List<FwmarkDestinations.Dest> dests = FwmarkDestinations.of(tests.all(), vs.key().fwmark(), h, model.config().ipsets());
            if (dests.isEmpty()) {
                Group g = group(FWMARK_NEVER_SET, true, "no rule sets mark " + vs.key().fwmark() + ", so no packet can reach "
                        + vs.key() + " (ip_vs_service_find looks the service up by skb->mark)");
                g.classes++;
                g.destinations.add(vs.key().toString());
                continue;
            }
            for (FwmarkDestinations.Dest d : dests) {
                servicePorts.computeIfAbsent(d.daddr(), k -> new LinkedHashMap<>()).computeIfAbsent(d.proto(), k -> new ArrayList<>())
                        .add(d.ports());
                if (vs.servers().isEmpty()) {
                    note(vs.key() + " has no real server: not a class");
                    continue;
                }
                service(vs, d.daddr(), d.proto(), d.ports().from(), vs.key() + " (" + (d.proto() == 6 ? "tcp " : "udp ")
                        + new Ipv4(d.daddr()) + ":" + d.ports() + ", marked by " + d.rule() + ")");
            }
        }
        for (Map.Entry<Integer, Map<Integer, List<PortRange>>> e : servicePorts.entrySet()) nonServicePorts(e.getKey(), e.getValue());
    }

    private void service(VirtualService vs, int daddr, int proto, int dport, String what) {
        List<View> views = new ArrayList<>();
        views.add(View.of(daddr, proto, dport));
        for (RealServer rs : vs.servers()) views.add(View.of(rs.address().bits(), proto, rs.port() == 0 ? dport : rs.port()));
        enumerate(views, what, (w, c) -> serviceOutcome(c, vs, daddr, w));
    }

    /** A service address's TCP and UDP ports that are no service, atom by atom. */
    private void nonServicePorts(int vip, Map<Integer, List<PortRange>> services) {
        String why = serviceOnly(vip);
        if (why != null) {
            note(new Ipv4(vip) + ": other ports not checked (" + why + ")");
            return;
        }
        for (int proto : new int[] {6, 17}) {
            Cells dp = Cells.ports();
            View any = View.anyPort(vip, proto);
            java.util.BitSet rel = tests.relevant(List.of(any));
            for (int i = rel.nextSetBit(0); i >= 0; i = rel.nextSetBit(i + 1)) tests.dportCuts(tests.all().get(i), any, dp);
            List<PortRange> mine = services.getOrDefault(proto, List.of());
            long id = -1; // each service and each listening socket is a test of its own
            for (PortRange p : mine) dp.cut(p.from(), p.to(), id--);
            for (Server s : listeners)
                if (s.protocol().number() == proto && (s.bind() == null || s.bind().bits() == vip)) dp.cut(s.port(), s.port(), id--);
            for (long[] atom : dp.atoms()) {
                long port = Cells.pick(atom, p -> p >= 1, 22, 8443);
                if (port < 0) continue;
                boolean isService = false;
                for (PortRange p : mine) isService |= p.contains((int) port);
                if (isService) continue;
                int dport = (int) port;
                long ports = Cells.size(atom) - (Cells.in(atom, 0) ? 1 : 0); // port 0 is no port a client can use
                String what = (proto == 6 ? "tcp " : "udp ") + new Ipv4(vip) + ":" + dport
                        + (ports > 1 ? " (" + ports + " ports that are no service)" : " (no service)");
                enumerate(List.of(View.of(vip, proto, dport)), what, (w, c) -> nonServiceOutcome(c, vip, w));
            }
        }
        // other protocols, as an echo request: the director may answer it, but must not forward it
        enumerate(List.of(View.of(vip, 1, ICMP_ECHO << 8)), "icmp " + new Ipv4(vip) + " (echo request)", (w, c) -> {
            SkBuff o = c.out;
            if (o == null || o.daddr == w.src().bits()) return null;
            return new Broken(NON_SERVICE_PORT_FORWARDED, true, "forwarded by the director",
                    "forwarded to " + new Ipv4(o.daddr) + " on " + c.dev);
        });
    }

    private static final int ICMP_ECHO = 8;

    /**
     * Null when the VIP is only a service address (where other ports must be closed); else why it
     * is not: the host's own address on a subnet (its other ports are the host's services by
     * design, like a NodePort on the node's address), or not a local address at all.
     */
    private String serviceOnly(int vip) {
        if (addressByBits == null) {
            addressByBits = new HashMap<>();
            for (Address a : model.config().addresses()) addressByBits.putIfAbsent(a.prefix().address().bits(), a);
        }
        Address a = addressByBits.get(vip);
        if (a != null) {
            Interface.Kind k = kind(a.device());
            if (k == Interface.Kind.DUMMY || k == Interface.Kind.LOOPBACK || a.prefix().length() == 32) return null;
            return "it is the director's own address " + a.prefix() + " on " + a.device() + ": its other ports are the host's";
        }
        if (!h.isLocalAddress(vip)) return "it is not a local address of the director";
        return null;
    }

    private Map<Integer, Address> addressByBits;

    private Interface.Kind kind(String dev) {
        Device d = h.devices().get(dev);
        return d == null ? null : d.kind();
    }

    // ---------------------------------------------------------------- classes

    /** What a failing class did: the property it breaks, at error or warning level, the outcome it is grouped by, and its own detail. */
    private record Broken(String property, boolean error, String outcome, String detail) {}

    private interface Judge {
        /** Null when the class holds. */
        Broken judge(Witness w, Capture c);
    }

    /** One source class: a representative address and the interface it arrives on. */
    record Client(int addr, String dev) {}

    private void enumerate(List<View> views, String what, Judge judge) {
        View primary = views.get(0);
        java.util.BitSet rel = tests.relevant(views);
        List<View> dn = tests.dnatViews(rel, primary);
        List<View> all = views;
        if (!dn.isEmpty()) {
            all = new ArrayList<>(views);
            all.addAll(dn);
            rel = tests.relevant(all);
        }
        // Rules whose source tests do not depend on the destination are named by index in the cache
        // key; the others' cuts (sets with dst and src dimensions: KUBE-LOOP-BACK) are computed here.
        java.util.BitSet statics = (java.util.BitSet) rel.clone();
        statics.and(tests.statics());
        java.util.BitSet dynamic = (java.util.BitSet) rel.clone();
        dynamic.andNot(statics);
        Cells dynAddr = Cells.addresses(), dynPort = Cells.ports();
        for (int i = dynamic.nextSetBit(0); i >= 0; i = dynamic.nextSetBit(i + 1)) {
            Rule r = tests.all().get(i);
            for (int j = 0; j < all.size(); j++)
                if (tests.dstMay(r, all.get(j))) tests.srcCuts(r, all.get(j), j, dynAddr, dynPort);
        }
        SourceClasses sc = sourceClasses(primary.proto(), statics, dynAddr, dynPort);
        List<Client> clients = sc.clients();
        List<long[]> sportAtoms = sc.sports();
        String proto = primary.proto() == 6 ? "tcp" : primary.proto() == 17 ? "udp" : "icmp";
        for (Client c : clients) {
            for (long[] atom : sportAtoms) {
                int sport = sport(atom);
                if (sport < 0) continue;
                classes++;
                Witness w = new Witness(proto, new Ipv4(c.addr()), sport, new Ipv4(primary.daddr()), primary.dport(), c.dev());
                walk(w);
                Broken bad = judge.judge(w, cap);
                if (bad == null) continue;
                // walked again with the tracer on (the first MAX_TRACED failing classes), so that classes
                // dropped by different rules are different groups, each with its rule and trace
                Traced t = traced < MAX_TRACED ? traceWalk(w) : null;
                traced++;
                Group g = group(bad.property(), bad.error(), bad.outcome(), t == null || t.rule() == null ? ""
                        : t.rule().table() + " " + t.rule().chain() + " " + t.rule().index());
                g.classes++;
                if (g.witness == null) {
                    g.witness = w;
                    g.witnessOutcome = bad.detail();
                    g.traced = t;
                }
                if (!g.destinations.contains(what) && !what.equals(g.lastDestination)) {
                    if (g.destinations.size() < MAX_DESTINATIONS_SHOWN) g.destinations.add(what);
                    else g.moreDestinations++;
                }
                g.lastDestination = what;
            }
        }
    }

    /** A source port in the atom: the ephemeral range when the atom holds it (varied so that classes do not share tuples). */
    private int sport(long[] atom) {
        int e = SocketLayer.EPHEMERAL_LOW + (sportCounter++ % (SocketLayer.EPHEMERAL_HIGH - SocketLayer.EPHEMERAL_LOW));
        long p = Cells.pick(atom, x -> x >= 1, e, SocketLayer.EPHEMERAL_LOW);
        return (int) p;
    }

    /** The source address classes (with their interfaces) and source port atoms of one set of source tests. */
    record SourceClasses(List<Client> clients, List<long[]> sports) {}

    private record SourceKey(int proto, java.util.BitSet statics, List<Long> addr, List<Long> port) {}

    private final Map<SourceKey, SourceClasses> sourceCache = new HashMap<>();

    private SourceClasses sourceClasses(int proto, java.util.BitSet statics, Cells dynAddr, Cells dynPort) {
        SourceKey k = new SourceKey(proto, statics, dynAddr.key(), dynPort.key());
        SourceClasses c = sourceCache.get(k);
        if (c != null) return c;
        Cells addr = Cells.addresses();
        addr.cutAll(routeCuts);
        addr.cutAll(dynAddr);
        Cells sp = Cells.ports();
        sp.cutAll(dynPort);
        for (int i = statics.nextSetBit(0); i >= 0; i = statics.nextSetBit(i + 1)) {
            Rule r = tests.all().get(i);
            tests.srcCuts(r, View.anyPort(0, proto), 0, addr, sp); // the protocol still selects a set's port entries
        }
        c = new SourceClasses(clients(addr), sp.atoms());
        if (sourceCache.size() < 100_000) sourceCache.put(k, c);
        return c;
    }

    /** Documentation addresses (RFC 5737), preferred as witnesses of the classes that hold them: they read as "anyone". */
    private static final long[] WITNESS_ADDRESSES = {Ranges.u(Ipv4.parse("203.0.113.7").bits()),
            Ranges.u(Ipv4.parse("198.51.100.7").bits()), Ranges.u(Ipv4.parse("192.0.2.7").bits())};

    /** The source classes of a destination's address cuts, each with the interface it arrives on. */
    private List<Client> clients(Cells addr) {
        List<Client> out = new ArrayList<>();
        for (long[] atom : addr.atoms()) {
            String[] dev = new String[1];
            long rep = Cells.pick(atom, c -> {
                dev[0] = clientDev((int) c);
                return dev[0] != null;
            }, WITNESS_ADDRESSES);
            if (rep < 0) {
                if (Cells.in(atom, Ranges.u(Ipv4.parse("127.0.0.1").bits()))) continue; // loopback: never a client
                if (noRouteExample == null) noRouteExample = range(atom);
                continue;
            }
            out.add(new Client((int) rep, dev[0]));
        }
        return out;
    }

    /** The interface a client at addr reaches the director by (the route back), or null when addr is no client. */
    private String clientDev(int a) {
        String d = clientDevCache.get(a);
        if (d == null) {
            d = clientDevUncached(a);
            clientDevCache.put(a, d == null ? "" : d);
        }
        return d == null || d.isEmpty() ? null : d;
    }

    private final Map<Integer, String> clientDevCache = new HashMap<>();
    private String noRouteExample;

    private String clientDevUncached(int a) {
        int top = a >>> 24;
        if (top == 0 || top == 127 || top >= 224 || h.isLocalAddress(a)) return null;
        RouteResult r = h.fib().lookup(a, 0, 0, "lo", null);
        if (r == null || r.type() != Route.Type.UNICAST || r.dev() == null) return null;
        Interface.Kind k = kind(r.dev());
        if (k == null || k == Interface.Kind.LOOPBACK || k == Interface.Kind.DUMMY) return null;
        return r.dev();
    }

    private static String range(long[] atom) {
        String s = new Ipv4((int) atom[0]) + "-" + new Ipv4((int) atom[1]);
        return atom.length > 2 ? s + " and " + (atom.length / 2 - 1) + " more range(s)" : s;
    }

    private void walk(Witness w) {
        cap.reset();
        // a fresh connection each time: every earlier conntrack/IPVS entry has expired (SYN_SENT 120 s)
        cap.clock += 200_000;
        SkBuff s = new SkBuff();
        s.saddr = w.src().bits();
        s.daddr = w.dst().bits();
        s.protocol = switch (w.protocol()) {
            case "tcp" -> 6;
            case "udp" -> 17;
            default -> 1;
        };
        s.sport = w.sport(); // for ICMP the echo id
        s.dport = w.dport(); // for ICMP type << 8 | code
        s.tcpFlags = s.protocol == 6 ? 0x02 : 0;
        s.flow = "all-packets";
        h.receive(w.inDev(), s);
    }

    // ---------------------------------------------------------------- properties

    private Broken serviceOutcome(Capture c, VirtualService vs, int vip, Witness w) {
        SkBuff o = c.out;
        if (o != null) {
            for (RealServer rs : vs.servers()) {
                if (o.daddr == rs.address().bits() && (rs.port() == 0 || o.dport == rs.port())) return null;
                // direct routing and tunnelling keep the VIP: the frame goes to the server's next hop
                if (o.inner != null && o.inner.daddr == vip && o.daddr == rs.address().bits()) return null;
                if (o.daddr == vip && o.knownNextHop == rs.address().bits()) return null;
            }
        }
        String local = c.delivered ? "reached the director's local stack instead of IPVS" : null;
        if (o == null) {
            String d = c.drop == null ? "dropped on the director (nothing was sent)" : dropText(c.drop);
            return new Broken(SERVICE_NOT_REACHED, true, local != null ? local : d, local != null ? local + "; " + d : d);
        }
        if (o.protocol == 1) {
            String t = "answered with ICMP " + SocketLayer.icmpName(o.dport >> 8, o.dport & 255);
            return new Broken(SERVICE_NOT_REACHED, true, local != null ? local + ", " + t : t, t + " on " + c.dev);
        }
        if (o.protocol == 6 && (o.tcpFlags & 0x04) != 0) {
            String t = "answered with a TCP reset";
            return new Broken(SERVICE_NOT_REACHED, true, local != null ? local + ", " + t : t, t + " on " + c.dev);
        }
        return new Broken(SERVICE_NOT_REACHED, true, "sent on, not to a real server of the service",
                "sent to " + new Ipv4(o.daddr) + ":" + o.dport + " on " + c.dev + ", not to a real server");
    }

    private Broken nonServiceOutcome(Capture c, int vip, Witness w) {
        String proto = w.protocol();
        if (c.delivered) {
            for (Server s : listeners)
                if (s.protocol().name().equals(proto) && s.port() == w.dport() && (s.bind() == null || s.bind().bits() == vip)) {
                    String t = "delivered to the director's socket listening on " + proto + " " + (s.bind() == null ? "*" : s.bind())
                            + ":" + s.port();
                    return new Broken(NON_SERVICE_PORT_DELIVERED, true, t, t);
                }
            String t = "reached the director's local stack: nothing listens there in the scenario, but a socket bound to "
                    + "0.0.0.0 on that port would get the connection (kubernetes#72236)";
            String answer = c.out == null ? "" : c.out.protocol == 1 ? " (answered ICMP " + SocketLayer.icmpName(c.out.dport >> 8, c.out.dport & 255) + ")"
                    : (c.out.tcpFlags & 4) != 0 ? " (answered with a TCP reset)" : "";
            return new Broken(NON_SERVICE_PORT_OPEN, false, t, "reached the director's local stack" + answer);
        }
        SkBuff o = c.out;
        if (o == null) return null; // dropped
        boolean answer = o.daddr == w.src().bits() && (o.protocol == 1 || (o.protocol == 6 && (o.tcpFlags & 4) != 0));
        if (answer) return null; // rejected
        String t = "forwarded to " + new Ipv4(o.daddr) + ":" + o.dport + " on " + c.dev;
        return new Broken(NON_SERVICE_PORT_FORWARDED, true, "forwarded by the director", t);
    }

    private static String dropText(String disposition) {
        // "dropped on HOST by OWNER: REASON"
        int i = disposition.indexOf(" by ");
        return "dropped on the director" + (i < 0 ? "" : " by " + disposition.substring(i + 4));
    }

    // ---------------------------------------------------------------- groups

    private static final class Group {
        final String property, outcome;
        final boolean error;
        long classes;
        final List<String> destinations = new ArrayList<>();
        int moreDestinations;
        String lastDestination;
        Witness witness;
        String witnessOutcome;
        Traced traced;

        Group(String property, boolean error, String outcome) {
            this.property = property;
            this.error = error;
            this.outcome = outcome;
        }
    }

    private Group group(String property, boolean error, String outcome) {
        return group(property, error, outcome, "");
    }

    private Group group(String property, boolean error, String outcome, String rule) {
        return groups.computeIfAbsent(property + "\u0000" + outcome + "\u0000" + rule, k -> new Group(property, error, outcome));
    }

    private void note(String s) {
        if (notes.size() < MAX_NOTES) notes.add(s);
        else if (notes.size() == MAX_NOTES) notes.add("(more notes left out)");
    }

    /** The group as reported: its witness walked again with the tracer on, for the trace and the deciding rule. */
    private Failure finish(Group g) {
        Traced t = g.traced != null || g.witness == null ? g.traced : traceWalk(g.witness);
        return new Failure(g.property, g.error, g.outcome, g.classes, g.destinations, g.destinations.size() + g.moreDestinations, g.witness,
                g.witnessOutcome, t == null ? null : t.trace(), t == null ? null : t.rule());
    }

    private static final int MAX_TRACED = 5_000;
    private int traced;

    /** A witness's trace and the rule that dropped or rejected it (null when none did). */
    private record Traced(Trace trace, Step.RuleMatched rule) {}

    private Traced traceWalk(Witness w) {
        List<Step> steps = new ArrayList<>();
        h.setTracer(new Tracer() {
            public boolean on() {
                return true;
            }

            public void step(Step s) {
                steps.add(s);
            }
        });
        try {
            walk(w);
        } finally {
            h.setTracer(Tracer.OFF);
        }
        String disp = cap.out != null ? "sent on " + cap.dev + ": " + cap.out : cap.drop != null ? cap.drop : "no frame sent";
        return new Traced(new Trace("all-packets witness", List.of(new Hop(model.name(), w.toString(), steps)), disp),
                decidingRule(steps));
    }

    /** The first rule that dropped or rejected the packet, null when none did (a policy, routing, or no drop at all). */
    private static Step.RuleMatched decidingRule(List<Step> steps) {
        for (Step s : steps) {
            if (s instanceof Step.Generated) return null; // what follows is the director's answer, not the packet
            if (!(s instanceof Step.RuleMatched r)) continue;
            String e = r.effect() == null ? "" : r.effect();
            if (e.contains("DROP") || e.contains("REJECT")) return r;
        }
        return null;
    }

    /** The director's only neighbourhood: the first frame sent, whether the packet reached the local stack, how it was dropped. */
    static final class Capture extends io.fnlab.sim.host.IsolatedLink {
        SkBuff out;
        String dev;
        boolean delivered;
        String drop;

        void reset() {
            out = null;
            dev = null;
            delivered = false;
            drop = null;
        }

        @Override
        protected void sent(String dev, SkBuff skb) {
            if (out == null) {
                out = skb;
                this.dev = dev;
            }
        }

        @Override
        public void disposition(String what) {
            if (what.startsWith("delivered")) delivered = true;
            else if (what.startsWith("dropped") && drop == null) drop = what;
        }
    }
}
