package io.fnlab.sim.verify;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.scenario.Expectation;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.HostConfig;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The service matrix (issue #5's fullnat check), which does not depend on the author's
 * expectations: every client opens new connections to every TCP/UDP virtual service of every
 * director, as many as the service has usable real servers (at most {@value #MAX_CONNECTIONS_PER_PAIR})
 * so that spreading schedulers reach each of them, each with handshake, request, response and
 * close (UDP: request and response). Each connection must (1) be established with the response
 * coming from VIP:vport, (2) be answered by a real server of the service, (3) close in both
 * directions (FINs delivered and acked), and, on a fullnat director (a masq service and a
 * MASQUERADE or SNAT rule anywhere in the director's nat table: the operator's SNAT intent),
 * (4) reach the real server with one of the director's addresses as source.
 *
 * <p>The connections run in a network of their own, untraced; failures are grouped by (client,
 * director, property, shape of the failure) and each group's first connection (the witness) is
 * run again with tracing (its service's connections only, with the same timing) to name the
 * kernel cause and carry the trace as evidence. A pair the scenario's expectations say must not
 * be established (reset, refused, timeout) is the author's intent and is not run.
 */
public final class ServiceMatrixCheck {
    public static final String ID = "service-matrix";
    public static final String DESCRIPTION = "every client x every TCP/UDP virtual service: established from VIP:vport, "
            + "served by a real server, closed both ways, director address as source on fullnat directors";
    /** Connections per (client, service): enough for rr/wrr/lc to reach each real server of small services. */
    static final int MAX_CONNECTIONS_PER_PAIR = 8;
    static final String REQUEST = "fnlab service-matrix request";
    static final String RESPONSE = "fnlab service-matrix response";
    /** Room for one pair's connections when every one of them times out (Network: one after another, +100 ms). */
    private static final long PAIR_SLOT = MAX_CONNECTIONS_PER_PAIR * (Network.CLIENT_TIMEOUT + 200) + 1000;

    /** Findings, what the matrix did not model or assumed, and how much it ran. */
    public record Result(List<Finding> findings, List<String> notModelled, int pairs, int connections) {
        public Result {
            findings = List.copyOf(findings);
            notModelled = List.copyOf(notModelled);
        }
    }

    /** The property a connection failed, in the order they are checked. */
    enum Property { ESTABLISHED, SERVED_BY_REAL_SERVER, CLOSED, DIRECTOR_SOURCE }

    /** A virtual service under test: the real servers of weight > 0 that a host of the scenario owns. */
    private record Service(Host director, Set<Ipv4> directorAddresses, VirtualService vs, List<RealServer> servers,
                           Set<String> serverHosts, boolean fullnat, int index) {
        String label() {
            return vs.key().toString();
        }

        Endpoint vip() {
            return new Endpoint(vs.key().address(), vs.key().port());
        }
    }

    private record Pair(String client, int clientIndex, Service svc, Traffic.Flow flow) {}

    private record Failure(Pair pair, FlowResult result, Property property, String what) {}

    private record GroupKey(String client, String director, Property property, String shape) {}

    private ServiceMatrixCheck() {}

    public static Result run(Scenario s, long seed) {
        List<Finding> findings = new ArrayList<>();
        Set<String> notes = new LinkedHashSet<>();
        Map<String, Server> extraServers = new LinkedHashMap<>();
        Map<String, Host> matrixHosts = new LinkedHashMap<>();
        for (Host h : s.hosts()) matrixHosts.put(h.name(), h);

        // ---- the services, the real servers' owners and their listeners ----
        List<Service> services = new ArrayList<>();
        int withoutServers = 0;
        Map<Ipv4, String> owners = owners(s);
        List<String> assumed = new ArrayList<>();
        for (Host d : s.hosts()) {
            boolean snatIntent = !snatRules(d).isEmpty();
            Set<Ipv4> directorAddresses = addresses(d);
            List<VirtualService> kept = new ArrayList<>();
            List<String> notOwned = new ArrayList<>();
            List<String> notRun = new ArrayList<>();
            List<String> fwmark = new ArrayList<>();
            for (VirtualService v : d.config().ipvs().services()) {
                if (v.key().isFwmark()) {
                    fwmark.add(v.key().toString());
                    kept.add(v);
                    continue;
                }
                if (!v.key().protocol().equals(Protocol.TCP) && !v.key().protocol().equals(Protocol.UDP)) {
                    notes.add(d.name() + ": " + v.key() + ": only TCP and UDP services are run by the service matrix");
                    kept.add(v);
                    continue;
                }
                List<RealServer> usable = new ArrayList<>();
                List<RealServer> servers = new ArrayList<>();
                Set<String> serverHosts = new LinkedHashSet<>();
                for (RealServer rs : v.servers()) {
                    String owner = owners.get(rs.address());
                    if (owner == null) {
                        // Not in the topology: the matrix cannot run its side, so its copy of the
                        // service does without it (a weight-0 server would still be hashed to by sh/dh/mh).
                        notOwned.add(v.key() + " -> " + rs.address() + ":" + rs.port());
                        continue;
                    }
                    servers.add(rs);
                    if (rs.weight() <= 0) continue;
                    usable.add(rs);
                    serverHosts.add(owner);
                    int port = rs.method() == ForwardMethod.MASQ ? rs.port() : v.key().port();
                    Protocol proto = v.key().protocol();
                    boolean listens = s.servers().stream().anyMatch(x -> x.host().equals(owner) && x.protocol().equals(proto)
                            && x.port() == port && (x.bind() == null || x.bind().equals(rs.address())
                            || x.bind().equals(v.key().address()) || x.bind().bits() == 0));
                    String k = owner + "/" + proto + "/" + port;
                    if (!listens && !extraServers.containsKey(k)) {
                        extraServers.put(k, new Server(owner, proto, null, port, RESPONSE));
                        assumed.add(owner + ": no server of the scenario listens on " + proto + " port " + port + " (real server "
                                + rs.address() + ":" + rs.port() + " of " + v.key() + " on " + d.name()
                                + "): the service matrix assumed one");
                    }
                }
                kept.add(servers.size() == v.servers().size() ? v : v.withServers(servers));
                if (usable.isEmpty()) {
                    if (v.servers().stream().anyMatch(rs -> rs.weight() > 0)) notRun.add(v.key().toString());
                    else withoutServers++;
                    continue;
                }
                boolean allMasq = usable.stream().allMatch(rs -> rs.method() == ForwardMethod.MASQ);
                services.add(new Service(d, directorAddresses, v, usable, serverHosts, snatIntent && allMasq, services.size()));
            }
            if (!fwmark.isEmpty())
                notes.add(d.name() + ": " + fwmark.size() + " fwmark service(s) (first: " + fwmark.get(0) + ") are not modelled "
                        + "by the service matrix (which packets carry the mark depends on rules it does not enumerate); "
                        + "check them with expectations");
            if (!notOwned.isEmpty()) {
                // One finding per director, however many services: a kube node's endpoints are rarely all hosts.
                findings.add(new Finding(ID, Severity.WARNING, d.name(), notOwned.size() + " real server(s) of " + d.name()
                        + " are not hosts of the scenario (first: " + notOwned.get(0) + "); the service matrix left them out"
                        + (notRun.isEmpty() ? "" : " and did not run the " + notRun.size() + " service(s) left without one (first: "
                        + notRun.get(0) + ")"),
                        "the matrix needs the real server's side (routes, listener) to follow a connection to the end; "
                                + "connections the director schedules to them are not checked",
                        List.of(), "add the real servers as hosts of the scenario")
                        .classified("real-server-not-in-topology", notOwned.get(0).substring(notOwned.get(0).indexOf("-> ") + 3)));
                matrixHosts.put(d.name(), withServices(d, kept));
            }
        }
        if (assumed.size() <= 3) notes.addAll(assumed);
        else notes.add("the service matrix assumed a listener on " + assumed.size() + " real servers that no server of the "
                + "scenario listens on (first: " + assumed.get(0) + ")");
        if (withoutServers > 0)
            notes.add(withoutServers + " virtual service(s) without a real server of weight > 0: not run by the service matrix "
                    + "(IPVS refuses their connections by design, ip_vs_leave)");
        if (services.isEmpty()) return new Result(findings, new ArrayList<>(notes), 0, 0);

        // ---- clients and the author's intent ----
        List<String> clients = s.hosts().stream().filter(h -> "client".equals(h.role())).map(Host::name).toList();
        if (clients.isEmpty()) {
            clients = s.traffic().stream().filter(t -> t instanceof Traffic.Flow).map(t -> ((Traffic.Flow) t).from())
                    .distinct().toList();
        }
        if (clients.isEmpty()) {
            notes.add("the service matrix found no client (no host with role client, no traffic): nothing was run");
            return new Result(findings, new ArrayList<>(notes), 0, 0);
        }
        Set<String> intendedToFail = intendedToFail(s);

        // ---- the matrix: one flow per (client, service), its connections one after another ----
        List<Pair> pairs = new ArrayList<>();
        Map<String, Pair> byFlow = new HashMap<>();
        int skipped = 0;
        String firstSkipped = null;
        for (int ci = 0; ci < clients.size(); ci++) {
            String c = clients.get(ci);
            for (Service svc : services) {
                if (intendedToFail.contains(intentKey(c, svc.vs().key().protocol(), svc.vip()))) {
                    skipped++;
                    if (firstSkipped == null) firstSkipped = c + " -> " + svc.label();
                    continue;
                }
                int n = Math.min(MAX_CONNECTIONS_PER_PAIR, svc.servers().size());
                // Pairs of one service never overlap (the scheduler's picks stay one client's), services start 2 ms apart.
                long start = ci * (PAIR_SLOT + 2L * services.size()) + 2L * svc.index();
                String id = "matrix-" + (pairs.size() + 1);
                Traffic.Flow f = new Traffic.Flow(id, c, svc.vs().key().protocol(), svc.vip(), null, REQUEST, true, n, start, null);
                Pair p = new Pair(c, ci, svc, f);
                pairs.add(p);
                byFlow.put(id, p);
            }
        }
        int connections = pairs.stream().mapToInt(p -> p.flow().repeat()).sum();
        // What the matrix covered, so that a reader sees it ran (and what it left to the author's intent).
        findings.add(new Finding(ID, Severity.INFO, null, "ran " + pairs.size() + " client x service pair(s) ("
                + clients.size() + " client(s) x " + services.size() + " service(s)), " + connections + " connection(s)"
                + (skipped == 0 ? "" : "; " + skipped + " pair(s) not run: the scenario's expectations say they must not be "
                + "established (first: " + firstSkipped + ")"),
                "each connection must be established from VIP:vport, served by a real server and (TCP) closed both ways; "
                        + "on fullnat services the real server must see a director address"
                        + (skipped == 0 ? "" : "; an expectation with outcome reset, refused or timeout for a flow from a "
                        + "client to a VIP:port is read as the author's intent (a firewall that blocks the client, say)"),
                List.of(), "nothing to fix"));

        List<Server> servers = new ArrayList<>();
        for (Server x : s.servers()) {
            // A listener that answers nothing leaves a TCP client waiting; the matrix needs an answer to see the path back.
            servers.add(x.response() == null || x.response().isEmpty()
                    ? new Server(x.host(), x.protocol(), x.bind(), x.port(), RESPONSE) : x);
        }
        servers.addAll(extraServers.values());
        List<Host> hosts = new ArrayList<>(matrixHosts.values());
        List<FlowResult> results = run(hosts, servers, pairs.stream().map(Pair::flow).toList(), seed, false);

        // ---- properties per connection, failures grouped ----
        Map<GroupKey, List<Failure>> groups = new LinkedHashMap<>();
        Map<String, Map<String, Pair>> noRoute = new LinkedHashMap<>();
        for (FlowResult r : results) {
            Pair p = byFlow.get(r.flow());
            String det = r.detail() == null ? "" : r.detail();
            if (r.outcome() == Outcome.REFUSED && det.startsWith("connect: ")) {
                // One entry per pair: its connections interleave with other pairs' in the results.
                noRoute.computeIfAbsent(p.client(), k -> new LinkedHashMap<>()).putIfAbsent(p.flow().id(), p);
                continue;
            }
            Failure f = check(p, r);
            if (f != null) {
                String shape = switch (f.property()) {
                    case ESTABLISHED -> r.outcome() + " " + det.replaceAll("[0-9][0-9.:]*", "#");
                    case SERVED_BY_REAL_SERVER -> String.valueOf(r.servedByHost());
                    case CLOSED -> "";
                    case DIRECTOR_SOURCE -> r.serverView() != null && r.clientView() != null
                            && r.serverView().src().equals(r.clientView().src()) ? "client" : "other";
                };
                groups.computeIfAbsent(new GroupKey(p.client(), p.svc().director().name(), f.property(), shape),
                        k -> new ArrayList<>()).add(f);
            }
        }
        for (var e : noRoute.entrySet()) {
            Pair first = e.getValue().values().iterator().next();
            findings.add(new Finding(ID, Severity.INFO, e.getKey(), e.getKey() + " has no route to " + e.getValue().size()
                    + " virtual service(s) (first: " + first.svc().label() + " on " + first.svc().director().name()
                    + "); the service matrix did not check those pairs",
                    "connect() fails with ENETUNREACH before a packet leaves: the client's routing table has no route to the "
                            + "service address (ip_route_output_key), so the service is not meant for it or the route is missing",
                    List.of(), "add a route to the service addresses on " + e.getKey() + " if it should reach them")
                    .classified("client-no-route", e.getKey()));
        }
        if (groups.isEmpty()) return new Result(findings, new ArrayList<>(notes), pairs.size(), results.size());

        // ---- witnesses again, traced: only their services' pairs, with the same timing ----
        Set<Integer> witnessServices = new HashSet<>();
        for (List<Failure> g : groups.values()) witnessServices.add(g.get(0).pair().svc().index());
        List<Traffic.Flow> again = pairs.stream().filter(p -> witnessServices.contains(p.svc().index())).map(Pair::flow).toList();
        Map<String, FlowResult> traced = new HashMap<>();
        List<FlowResult> tracedResults = run(hosts, servers, again, seed, true);
        for (FlowResult r : tracedResults) traced.put(r.connection(), r);
        notes.addAll(Verifier.notModelled(tracedResults));

        for (var e : groups.entrySet()) findings.add(finding(e.getKey(), e.getValue(), traced));
        return new Result(findings, new ArrayList<>(notes), pairs.size(), results.size());
    }

    private static List<FlowResult> run(List<Host> hosts, List<Server> servers, List<Traffic.Flow> flows, long seed,
                                        boolean tracing) {
        Network n = new Network(seed, tracing);
        for (Host h : hosts) n.addHost(h, servers);
        return n.run(flows);
    }

    /** The first property the connection breaks, or null when it keeps them all. */
    private static Failure check(Pair p, FlowResult r) {
        Service svc = p.svc();
        if (r.outcome() != Outcome.ESTABLISHED || r.response() == null) {
            return new Failure(p, r, Property.ESTABLISHED, lower(r.outcome()) + (r.detail() == null ? "" : " (" + r.detail() + ")"));
        }
        if (r.servedByHost() == null || !svc.serverHosts().contains(r.servedByHost())) {
            return new Failure(p, r, Property.SERVED_BY_REAL_SERVER, "answered by " + r.servedByHost() + " ("
                    + r.servedBySocket() + "), not by a real server of the service");
        }
        if (svc.vs().key().protocol().equals(Protocol.TCP) && !r.closed()) {
            return new Failure(p, r, Property.CLOSED, "established, but the close did not complete (" + r.detail() + ")");
        }
        if (svc.fullnat() && (r.serverView() == null || !svc.directorAddresses().contains(r.serverView().src()))) {
            return new Failure(p, r, Property.DIRECTOR_SOURCE, "the real server on " + r.servedByHost() + " saw "
                    + (r.serverView() == null ? "nothing" : r.serverView().src() + ":" + r.serverView().sport()) + " as source");
        }
        return null;
    }

    private static Finding finding(GroupKey k, List<Failure> group, Map<String, FlowResult> traced) {
        Failure w = group.get(0);
        Service svc = w.pair().svc();
        String director = svc.director().name();
        FlowResult r = traced.get(w.result().connection());
        if (r == null || check(w.pair(), r) == null || check(w.pair(), r).property() != k.property()) {
            // The traced run scheduled differently (host random state): any traced connection of the pair failing alike.
            r = traced.values().stream().filter(x -> x.flow().equals(w.pair().flow().id()))
                    .filter(x -> check(w.pair(), x) != null && check(w.pair(), x).property() == k.property())
                    .findFirst().orElse(w.result());
        }
        Set<String> svcs = new LinkedHashSet<>();
        for (Failure f : group) svcs.add(f.pair().svc().label());
        String witness = w.pair().client() + " -> " + svc.label() + " (connection " + r.connection()
                + (r.clientView() == null ? "" : ", " + r.clientView()) + ")";
        String scale = group.size() == 1 ? "" : " [" + group.size() + " connections to " + svcs.size()
                + " service(s) fail this way; first shown]";
        List<Evidence> ev = new ArrayList<>();
        String verdict, cause, fix, kind, subject;
        Trace trace;
        if (k.property() == Property.DIRECTOR_SOURCE) {
            FullnatCause fc = fullnatCause(r, svc);
            verdict = k.client() + " -> " + svc.label() + " on " + director + " (fullnat): the real server saw "
                    + (r.serverView() == null ? "nothing" : r.serverView().src()) + " as source, not an address of " + director;
            cause = fc.text();
            kind = fc.kind();
            subject = fc.subject();
            fix = fc.fix();
            trace = r.traces().isEmpty() ? null : r.traces().get(0);
            if (trace != null) ev.add(new Evidence.PacketTrace(trace));
            ev.addAll(snatRules(svc.director()));
        } else if (k.property() == Property.SERVED_BY_REAL_SERVER) {
            verdict = k.client() + " -> " + svc.label() + " on " + director + ": answered by " + r.servedByHost()
                    + ", which is not a real server of the service";
            cause = "the connection to " + svc.vip().address() + ":" + svc.vip().port() + " was accepted by " + r.servedBySocket()
                    + " on " + r.servedByHost() + " instead of being scheduled by IPVS to one of "
                    + svc.servers().stream().map(x -> x.address() + ":" + x.port()).toList();
            kind = "served-by-non-real-server";
            subject = r.servedByHost();
            fix = "see the trace for where the packet left the IPVS path (a local socket on the VIP, a DNAT rule before IPVS)";
            trace = r.traces().isEmpty() ? null : r.traces().get(0);
            if (trace != null) ev.add(new Evidence.PacketTrace(trace));
        } else {
            FlowDiagnosis.Cause c = FlowDiagnosis.of(r, k.client());
            if (k.property() == Property.CLOSED) {
                verdict = k.client() + " -> " + svc.label() + " on " + director + ": the connection is established but "
                        + "does not close (its FIN/ACK exchange does not complete)";
                // FlowDiagnosis's drop causes all start with the host ("on director, ..."); anything else is its fallback.
                cause = c.kind() == null && !c.text().startsWith("on ")
                        ? "no packet of the close was dropped on the way, yet the client (FIN_WAIT to TIME_WAIT) or the server "
                        + "(LAST_ACK to closed) did not finish its side of the close (client: " + r.detail() + ")" : c.text();
            } else {
                verdict = k.client() + " does not reach " + svc.label() + " on " + director + ": " + w.what();
                cause = c.text();
            }
            kind = c.kind();
            subject = c.subject();
            trace = c.trace();
            fix = fixFor(c, svc);
            if (svc.fullnat() && k.property() == Property.ESTABLISHED && !r.traces().isEmpty()
                    && (c.kind() == null || "reply-bypasses-director".equals(c.kind()))
                    && forwardedWithoutSnat(r.traces().get(0), svc)) {
                // On a fullnat director a stray reply (or a real server that cannot answer the client at
                // all) is the consequence; the cause is why the SNAT the operator wrote did not apply to
                // the forwarded packet, read from its first packet. A more specific diagnosis (a drop by
                // a rule, a martian hairpin) stays as it is.
                FullnatCause fc = fullnatCause(r, svc);
                cause = fc.text() + "; so " + c.text();
                kind = fc.kind();
                subject = fc.subject();
                fix = fc.fix();
                ev.add(new Evidence.PacketTrace(r.traces().get(0)));
                ev.addAll(snatRules(svc.director()));
            }
            if (trace != null) ev.add(new Evidence.PacketTrace(trace));
        }
        ev.add(serviceEvidence(svc.director(), svc.vs()));
        return new Finding(ID, Severity.ERROR, director, verdict + scale, cause + "; witness: " + witness
                + (trace == null ? " (no trace: the traced re-run did not reproduce it)" : ""), ev, fix, kind, subject);
    }

    /**
     * The director masqueraded the connection's first packet to a real server (ip_vs_nat_xmit's
     * DNAT) and nf_nat gave it no director source: the real server answers the client's own address.
     */
    private static boolean forwardedWithoutSnat(Trace t, Service svc) {
        boolean dnat = false;
        for (Hop h : t.hops()) {
            if (!h.host().equals(svc.director().name())) continue;
            for (Step st : h.steps()) {
                if (!(st instanceof Step.Rewrite rw)) continue;
                if ("ip_vs".equals(rw.by()) && "DNAT".equals(rw.kind())) dnat = true;
                if ("nf_nat".equals(rw.by()) && "SNAT".equals(rw.kind()) && rw.after() != null
                        && svc.directorAddresses().contains(rw.after().src())) return false;
            }
        }
        return dnat;
    }

    private record FullnatCause(String text, String kind, String subject, String fix) {}

    /** Why a fullnat director's forwarded packet kept the client's source, read from the witness's first packet. */
    private static FullnatCause fullnatCause(FlowResult r, Service svc) {
        String d = svc.director().name();
        String masq = "iptables -t nat -A POSTROUTING -m ipvs --vaddr " + svc.vip().address() + " --vport " + svc.vip().port()
                + " -j MASQUERADE";
        Trace t = r.traces().isEmpty() ? null : r.traces().get(0);
        List<String> walked = new ArrayList<>();
        if (t != null) {
            for (Hop h : t.hops()) {
                if (!h.host().equals(d)) continue;
                for (Step st : h.steps()) {
                    if (st instanceof Step.Conntrack c && "untracked".equals(c.event()) && c.detail() != null
                            && c.detail().contains("ip_vs_notrack")) {
                        return new FullnatCause("on " + d + ", ip_vs_nat_xmit left the forwarded packet " + h.packet()
                                + " untracked (ip_vs_notrack, net.ipv4.vs.conntrack=0); nf_nat_inet_fn returns ACCEPT for "
                                + "a packet without a conntrack entry, so none of the director's MASQUERADE/SNAT rules "
                                + "(below) runs for it and the real server sees the client's address",
                                "sysctl", "net.ipv4.vs.conntrack=0", "sysctl -w net.ipv4.vs.conntrack=1 on " + d);
                    }
                    if (st instanceof Step.Rewrite rw && "nf_nat".equals(rw.by()) && "SNAT".equals(rw.kind())
                            && rw.after() != null && !svc.directorAddresses().contains(rw.after().src())) {
                        return new FullnatCause("on " + d + ", nat POSTROUTING rewrote the source of " + h.packet() + " to "
                                + rw.after().src() + " (" + rw.detail() + "), which is not an address of " + d
                                + ": replies to it do not come back through the director", "snat-wrong-source",
                                rw.after().src().toString(), "SNAT to an address of " + d + " (or use MASQUERADE)");
                    }
                    if (st instanceof Step.RuleMatched rm && "nat".equals(rm.table()))
                        walked.add(rm.table() + "/" + rm.chain() + " #" + rm.index() + " -> " + rm.effect());
                }
            }
        }
        List<String> unreachable = new ArrayList<>();
        Table nat = svc.director().config().iptables().tables().get(TableName.NAT);
        if (nat != null) {
            ChainGraph g = new ChainGraph(nat);
            for (Chain c : nat.chains()) {
                if (!g.reachable(c.name()) && c.rules().stream().anyMatch(ServiceMatrixCheck::isSnat)) unreachable.add(c.name());
            }
        }
        return new FullnatCause("on " + d + ", the forwarded packet of the connection (conntrack tracked it: vs/conntrack=1) "
                + "went through nat POSTROUTING, but no MASQUERADE or SNAT rule applied to it"
                + (walked.isEmpty() ? " (no nat rule matched it at all)" : " (nat rules that matched: " + String.join("; ", walked) + ")")
                + (unreachable.isEmpty() ? "" : "; the SNAT rules of chain(s) " + unreachable + " never run: nothing jumps "
                + "there from a built-in chain")
                + ", so the real server sees the client's address", "snat-not-applied", d,
                "make a reachable nat POSTROUTING rule match the IPVS traffic, e.g. " + masq);
    }

    private static String fixFor(FlowDiagnosis.Cause c, Service svc) {
        if (c.kind() == null) return "fix what the trace shows dropping or rewriting the packet (see the other findings)";
        return switch (c.kind()) {
            case "rule-drop" -> "remove or narrow the dropping rule in " + c.subject() + ", or accept the service's "
                    + "connections (conntrack --ctstate ESTABLISHED,RELATED) before it";
            case "forward-policy-drop", "policy-drop" -> "accept the service's packets in " + c.subject() + " (e.g. -m conntrack "
                    + "--ctstate ESTABLISHED,RELATED -j ACCEPT) or set its policy to ACCEPT";
            case "sysctl" -> "sysctl -w " + c.subject().replace("=0", "=1") + " on " + svc.director().name();
            case "reply-bypasses-director" -> "route the real servers' replies back through " + svc.director().name()
                    + ", or SNAT at the director (fullnat: iptables -t nat -A POSTROUTING -m ipvs --vaddr "
                    + svc.vip().address() + " --vport " + svc.vip().port() + " -j MASQUERADE and net.ipv4.vs.conntrack=1)";
            case "routing-loop" -> "the packet circles between hosts that route it to each other: see the trace's routes "
                    + "(DR needs the real server on a segment of the director; otherwise use -i or -m)";
            case "hairpin-not-masqueraded" -> "MASQUERADE a pod's connections to itself (kube-proxy's KUBE-LOOP-BACK ipset rule)";
            default -> "fix what the trace shows dropping or rewriting the packet (see the other findings)";
        };
    }

    /** Client x protocol x VIP:port pairs that an expectation says must end reset, refused or timed out. */
    private static Set<String> intendedToFail(Scenario s) {
        Map<String, Traffic.Flow> flows = new HashMap<>();
        for (Traffic t : s.traffic()) if (t instanceof Traffic.Flow f) flows.put(f.id(), f);
        Set<String> out = new HashSet<>();
        for (Expectation e : s.expectations()) {
            if (!(e instanceof Expectation.FlowOutcome o) || o.outcome() == Outcome.ESTABLISHED) continue;
            Traffic.Flow f = flows.get(o.flow());
            if (f != null) out.add(intentKey(f.from(), f.protocol(), f.to()));
        }
        return out;
    }

    private static String intentKey(String client, Protocol p, Endpoint to) {
        return client + "|" + p.number() + "|" + to.address() + "|" + to.port();
    }

    /** Which host owns each address, not counting lo: a DR real server has the VIP there, not its RIP. */
    private static Map<Ipv4, String> owners(Scenario s) {
        Map<Ipv4, String> out = new HashMap<>();
        for (Host h : s.hosts())
            for (var a : h.config().addresses())
                if (!"lo".equals(a.device())) out.putIfAbsent(a.prefix().address(), h.name());
        return out;
    }

    private static Set<Ipv4> addresses(Host h) {
        Set<Ipv4> out = new HashSet<>();
        h.config().addresses().forEach(a -> out.add(a.prefix().address()));
        return out;
    }

    private static boolean isSnat(Rule r) {
        return r.target() instanceof Masquerade || r.target() instanceof Snat;
    }

    /** Every MASQUERADE/SNAT rule of a host's nat table, reachable or not: the operator's SNAT intent. */
    static List<Evidence.Config> snatRules(Host h) {
        List<Evidence.Config> out = new ArrayList<>();
        Table nat = h.config().iptables().tables().get(TableName.NAT);
        if (nat == null) return out;
        for (Chain c : nat.chains())
            for (Rule r : c.rules())
                if (isSnat(r)) out.add(new Evidence.Config(h.name(), RuleText.of(c.name(), r), r.source()));
        return out;
    }

    private static Evidence.Config serviceEvidence(Host d, VirtualService v) {
        return new Evidence.Config(d.name(), "ipvsadm -A " + v.key().toArgs() + " -s " + v.scheduler() + " ("
                + v.servers().size() + " real server(s): " + v.servers().stream().map(rs -> rs.address() + ":" + rs.port()
                + " " + rs.method().flag() + " -w " + rs.weight()).toList() + ")", null);
    }

    private static Host withServices(Host h, List<VirtualService> services) {
        HostConfig c = h.config();
        IpvsConfig ipvs = new IpvsConfig(services, c.ipvs().timeouts(), c.ipvs().modules());
        return new Host(h.name(), h.role(), h.interfaces(), new HostConfig(c.iptables(), c.ipsets(), ipvs, c.addresses(),
                c.routes(), c.rules(), c.sysctls(), c.diagnostics()), h.source());
    }

    private static String lower(Outcome o) {
        return o.name().toLowerCase(Locale.ROOT);
    }
}
