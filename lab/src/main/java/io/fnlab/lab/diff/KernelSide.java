package io.fnlab.lab.diff;

import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.netns.LabScript;
import io.fnlab.lab.netns.NetnsBackend;
import io.fnlab.lab.probe.ProbeBinary;
import io.fnlab.lab.probe.ProbeEvent;
import io.fnlab.model.scenario.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs many cases in one {@link NetnsBackend} run: each case's hosts and segments become
 * namespaces and bridges of their own (names prefixed "kN-"), so the topologies never meet, and
 * one shell step starts every case's flows at once, each case's flows one after another. That
 * way namespace setup is paid once per batch and the probe's timeouts overlap.
 *
 * <p>The probe's connect timeout (default 1 s) is shorter than the kernel's neighbour failure
 * report (3 ARP probes, about 3 s): a next hop that never answers ARP is a timeout here, as in
 * the simulator, whose host unreachable also comes when the entry fails.
 */
public final class KernelSide {
    public static final String RUN_OUTPUT = "diff-flows.txt";
    /** The probe's connect timeout the differential tests use on both sides (SimSide's clients give up then too). */
    public static final int PROBE_TIMEOUT_MS = 1000;

    private final int timeoutMs;
    private final boolean capture;

    public KernelSide(int timeoutMs, boolean capture) {
        this.timeoutMs = timeoutMs;
        this.capture = capture;
    }

    /** The outputs of one batch: observations per case name, and the lab's own result. */
    public record Batch(Map<String, List<Observation>> observations, LabResult lab, Map<String, String> setupErrors) {
        /** The tcpdump text of one host of one case. */
        public String capture(int caseIndex, String host) {
            return lab.capture(hostName(caseIndex, host));
        }
    }

    static String hostName(int k, String host) {
        return "k" + k + "-" + host;
    }

    public Batch run(List<DiffCase> cases) {
        List<LabPlan.LabHost> hosts = new ArrayList<>();
        List<LabPlan.LabServer> servers = new ArrayList<>();
        // which case/host a server log belongs to
        Map<String, String[]> serverOf = new HashMap<>();
        for (int k = 0; k < cases.size(); k++) {
            DiffCase c = cases.get(k);
            LabPlan p = LabPlan.fromScenario(c.scenario(), c.setup(), timeoutMs);
            for (LabPlan.LabHost h : p.hosts()) {
                List<LabPlan.LabIface> ifs = new ArrayList<>();
                for (LabPlan.LabIface i : h.interfaces())
                    ifs.add(new LabPlan.LabIface(i.name(), "k" + k + "-" + i.segment(), i.addresses(), i.mac()));
                hosts.add(new LabPlan.LabHost(hostName(k, h.name()), ifs, h.setup()));
            }
            for (LabPlan.LabServer s : p.servers()) {
                LabPlan.LabServer ks = new LabPlan.LabServer(hostName(k, s.host()), s.proto(), s.port(), s.response(), s.bind());
                servers.add(ks);
                serverOf.put(ks.logName(), new String[] {Integer.toString(k), s.host()});
            }
        }
        String first = hosts.get(0).name();
        LabPlan.LabStep flows = new LabPlan.LabStep.Run(first, flowsCommand(cases, first), RUN_OUTPUT);
        LabPlan plan = new LabPlan("diff", hosts, servers, List.of(flows), capture);
        LabResult r = new NetnsBackend().run(plan, Duration.ofMinutes(10));

        Map<String, Map<String, Observation>> byCase = new LinkedHashMap<>();
        for (DiffCase c : cases) byCase.put(c.name(), new LinkedHashMap<>());
        // server logs: the request text names case and flow
        Map<String, ProbeEvent> served = new HashMap<>();
        Map<String, String> servedHost = new HashMap<>();
        for (LabPlan.LabServer s : servers) {
            for (ProbeEvent e : r.served(s)) {
                served.putIfAbsent(e.request(), e);
                servedHost.putIfAbsent(e.request(), serverOf.get(s.logName())[1]);
            }
        }
        for (String line : r.text(RUN_OUTPUT).split("\n")) {
            String[] w = line.split(" ", 3);
            if (w.length < 3 || !w[0].matches("k\\d+")) continue;
            int k = Integer.parseInt(w[0].substring(1));
            if (k >= cases.size()) continue;
            DiffCase c = cases.get(k);
            List<ProbeEvent> ev = ProbeEvent.parse(w[2]).stream().filter(e -> "connect".equals(e.event())).toList();
            if (ev.isEmpty()) continue;
            ProbeEvent e = ev.get(0);
            DiffCase.Flow f = c.flows().stream().filter(x -> x.id().equals(w[1])).findFirst().orElse(null);
            if (f == null) continue;
            ProbeEvent s = served.get(f.request());
            Outcome o = e.clientOutcome().orElse(null);
            byCase.get(c.name()).put(f.id(), new Observation(f.id(), o, e.localAddr(), e.localPort(), e.response(),
                    s == null ? null : servedHost.get(f.request()), s == null ? null : s.peerAddr(), s == null ? 0 : s.peerPort(),
                    s == null ? null : s.localAddr(), s == null ? 0 : s.localPort(), e.raw()));
        }
        Map<String, List<Observation>> out = new LinkedHashMap<>();
        for (DiffCase c : cases) {
            List<Observation> l = new ArrayList<>();
            for (DiffCase.Flow f : c.flows()) {
                Observation o = byCase.get(c.name()).get(f.id());
                l.add(o != null ? o : new Observation(f.id(), null, null, 0, null, null, null, 0, null, 0,
                        "the probe printed nothing for this flow"));
            }
            out.put(c.name(), l);
        }
        // what the setup scripts printed besides sh -x's own "+ command" lines: a refused rule, a bad route
        Map<String, String> errors = new LinkedHashMap<>();
        for (int k = 0; k < cases.size(); k++) {
            StringBuilder e = new StringBuilder();
            for (var h : cases.get(k).scenario().hosts()) {
                for (String l : r.text(hostName(k, h.name()) + ".setup.log").split("\n")) {
                    if (!l.isBlank() && !l.startsWith("+")) e.append(h.name()).append(": ").append(l).append('\n');
                }
            }
            if (!e.isEmpty()) errors.put(cases.get(k).name(), e.toString());
        }
        return new Batch(out, r, errors);
    }

    /**
     * One shell command, run in the first host's namespace, that finds the batch's namespace
     * prefix (ip netns identify) and starts each case's flows in the background, prefixing every
     * probe line with "kN FLOW " (printf writes the whole line at once, so lines never interleave;
     * dash's echo would expand the backslashes of the JSON).
     */
    String flowsCommand(List<DiffCase> cases, String first) {
        StringBuilder b = new StringBuilder();
        b.append("me=$(ip netns identify); pre=${me%-").append(first).append("}; P=")
                .append(LabScript.q(ProbeBinary.host().toString())).append('\n');
        for (int k = 0; k < cases.size(); k++) {
            b.append("(\n");
            for (DiffCase.Flow f : cases.get(k).flows()) {
                b.append("ip netns exec \"$pre-").append(hostName(k, f.from())).append("\" \"$P\" connect ").append(f.proto())
                        .append(' ').append(f.address()).append(' ').append(f.port());
                if (f.sport() > 0) b.append(" --sport ").append(f.sport());
                b.append(" --request ").append(LabScript.q(f.request())).append(" --timeout ").append(timeoutMs)
                        .append(" 2>&1 | while IFS= read -r l; do printf '%s\\n' \"k").append(k).append(' ').append(f.id())
                        .append(" $l\"; done\n");
            }
            b.append(") &\n");
        }
        b.append("wait\n");
        return b.toString();
    }
}
