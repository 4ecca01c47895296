package io.fnlab.lab.netns;

import io.fnlab.model.net.Protocol;
import io.fnlab.model.route.Address;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.scenario.Traffic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One lab case, backend-neutral: hosts (a network namespace each) with Ethernet interfaces on L2
 * segments (a bridge each, in a separate namespace), a setup shell script per host, probe servers,
 * then steps (probe connections, commands whose output is kept). Steps run in order, except the
 * connects with a start time (a scenario's flows): those begin at their offset from the moment the
 * traffic began, side by side, and the next untimed step waits for them. {@link LabScript}
 * turns it into shell that runs the same on the host ({@link NetnsBackend}) and in the VM.
 */
public record LabPlan(String name, List<LabHost> hosts, List<LabServer> servers, List<LabStep> steps, boolean capture) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,30}");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public LabPlan {
        hosts = List.copyOf(hosts);
        servers = List.copyOf(servers);
        steps = List.copyOf(steps);
        check(name, "case name");
        for (LabHost h : hosts) {
            check(h.name(), "host name");
            for (LabIface i : h.interfaces()) {
                if (!IFNAME.matcher(i.name()).matches()) throw new IllegalArgumentException("bad interface name " + i.name());
                check(i.segment(), "segment name");
            }
        }
        for (LabServer s : servers) requireHost(hosts, s.host());
        for (LabStep s : steps) requireHost(hosts, s.host());
    }

    private static void check(String n, String what) {
        if (n == null || !NAME.matcher(n).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ": " + n);
        }
    }

    private static void requireHost(List<LabHost> hosts, String h) {
        if (hosts.stream().noneMatch(x -> x.name().equals(h))) throw new IllegalArgumentException("unknown host " + h);
    }

    /** A namespace; setup is shell run inside it after its interfaces are up (sh -x, errors logged, not fatal). */
    public record LabHost(String name, List<LabIface> interfaces, String setup) {
        public LabHost {
            interfaces = List.copyOf(interfaces);
            setup = setup == null ? "" : setup;
        }
    }

    /** A veth whose other end sits on the segment's bridge; addresses in CIDR form. mac null = kernel's. */
    public record LabIface(String name, String segment, List<String> addresses, String mac) {
        public LabIface {
            addresses = List.copyOf(addresses);
        }

        public LabIface(String name, String segment, String... addresses) {
            this(name, segment, List.of(addresses), null);
        }
    }

    /** fnlab-probe serve PROTO PORT RESPONSE [BIND]; its log lands in server-HOST-PROTO-PORT.jsonl. */
    public record LabServer(String host, String proto, int port, String response, String bind) {
        public String logName() {
            return "server-" + host + "-" + proto + "-" + port + ".jsonl";
        }
    }

    public sealed interface LabStep {
        String host();

        /**
         * fnlab-probe connect ...; JSON lines land in flow-ID.jsonl. sport 0 = ephemeral.
         *
         * <p>startMs {@link #AFTER_PREVIOUS} (the short constructors): the step runs in its place,
         * after every step before it has ended, and its count connections follow each other at once
         * (probe --count). startMs &ge; 0: a scenario flow, started in the background startMs after
         * the traffic began (servers and captures listening), so flows whose times overlap run
         * concurrently; its count connections are the simulator's repeats, each begun 100 ms after
         * the previous one ended (Network.startConnection).
         */
        record Connect(String id, String host, String proto, String address, int port, int sport, String request,
                       int timeoutMs, int count, long startMs) implements LabStep {
            /** A step run in sequence (no start time). */
            public static final long AFTER_PREVIOUS = -1;

            public Connect {
                if (startMs < AFTER_PREVIOUS) throw new IllegalArgumentException("flow " + id + ": negative start " + startMs + " ms");
                if (count < 1) throw new IllegalArgumentException("flow " + id + ": count must be at least 1, not " + count);
            }

            public Connect(String id, String host, String proto, String address, int port, int sport, String request,
                           int timeoutMs, int count) {
                this(id, host, proto, address, port, sport, request, timeoutMs, count, AFTER_PREVIOUS);
            }

            public Connect(String id, String host, String proto, String address, int port) {
                this(id, host, proto, address, port, 0, "hello", 2000, 1);
            }

            /** A scenario flow with a start time (see the class comment), not a step in sequence. */
            public boolean timed() {
                return startMs >= 0;
            }

            /** The same connection as a step in sequence: no start time. */
            public Connect inSequence() {
                return new Connect(id, host, proto, address, port, sport, request, timeoutMs, count, AFTER_PREVIOUS);
            }

            public String logName() {
                return "flow-" + id + ".jsonl";
            }
        }

        /**
         * A shell command in a host's namespace; stdout+stderr land in the named output file. It runs
         * in its place, after every step before it has ended: the timed connects started before it
         * are waited for first, so a Run sees the traffic before it finished (the library's trailing
         * "sleep; uname -r" lets the last FINs reach the captures).
         */
        record Run(String host, String command, String output) implements LabStep {}
    }

    /**
     * The plan for a scenario: Ethernet interfaces on their segments with the addresses the host's
     * config puts on them, the given setup script per host (the scenario's own scripts: routes,
     * sysctls, iptables, ipvsadm...), its servers and flows. Each flow is a timed connect at its
     * {@code start}, with its {@code repeat} as the count, as the simulator runs it. Addresses on
     * other devices (dummy, lo) belong in the setup scripts, since only the scripts create those
     * devices.
     */
    public static LabPlan fromScenario(Scenario s, Map<String, String> setupByHost, int timeoutMs) {
        List<LabHost> hosts = new ArrayList<>();
        for (Host h : s.hosts()) {
            List<LabIface> ifs = new ArrayList<>();
            for (Interface i : h.interfaces()) {
                if (i.kind() != Interface.Kind.ETHERNET) continue;
                List<String> addrs = new ArrayList<>();
                for (Address a : h.config().addresses()) {
                    if (i.name().equals(a.device())) addrs.add(a.prefix().toString());
                }
                ifs.add(new LabIface(i.name(), i.segment(), addrs, i.mac()));
            }
            hosts.add(new LabHost(h.name(), ifs, setupByHost.getOrDefault(h.name(), "")));
        }
        List<LabServer> servers = new ArrayList<>();
        for (Server sv : s.servers()) {
            servers.add(new LabServer(sv.host(), proto(sv.protocol()), sv.port(), sv.response(),
                    sv.bind() == null ? null : sv.bind().toString()));
        }
        List<LabStep> steps = new ArrayList<>();
        for (Traffic t : s.traffic()) {
            if (t instanceof Traffic.Flow f) {
                steps.add(new LabStep.Connect(f.id(), f.from(), proto(f.protocol()), f.to().address().toString(),
                        f.to().port(), f.sourcePort() == null ? 0 : f.sourcePort(),
                        f.request() == null ? "hello" : f.request(), timeoutMs, Math.max(1, f.repeat()), f.startMillis()));
            }
        }
        String name = s.name().toLowerCase().replaceAll("[^a-z0-9_-]+", "-").replaceAll("-+$", "");
        if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) name = "s" + name;
        if (name.length() > 31) name = name.substring(0, 31);
        return new LabPlan(name, hosts, servers, steps, true);
    }

    private static String proto(Protocol p) {
        if (p.equals(Protocol.TCP)) return "tcp";
        if (p.equals(Protocol.UDP)) return "udp";
        throw new IllegalArgumentException("the lab probe speaks tcp and udp only, not protocol " + p.number());
    }
}
