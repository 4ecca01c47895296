package io.fnlab.lab.ipvsdiff;

import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabPlan.LabHost;
import io.fnlab.lab.netns.LabPlan.LabIface;
import io.fnlab.lab.netns.LabPlan.LabServer;
import io.fnlab.lab.netns.LabPlan.LabStep;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.probe.ProbeEvent;
import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a list of {@link SchedCase}s as services of ONE director (service i on VIP:8001+i, so one
 * set of namespaces and one VM boot serves them all) both as a lab plan and as a simulator
 * scenario, and tells which real server took each connection.
 *
 * Topology (the NAT layout of scenarios/modes-nat.yaml): clients 172.16.0.1x on "outside" next to
 * the director's eth0 (172.16.0.1 + VIP 172.16.0.100), real servers rs1..rsN 10.0.0.1N on "inside"
 * with the director's eth1 (10.0.0.1) as their default route; masquerading (-m) services.
 */
public final class SchedLab {
    public static final String VIP = "172.16.0.100";
    public static final int BASE_PORT = 8001;
    /** What a lab run calls itself: outputs land under /out/CASE in the VM. */
    public static final String CASE = "sched";
    /** How long held connections (and the servers' side of them) stay open in the lab. */
    public static final int HOLD_MS = 120_000;

    private final List<SchedCase> cases;
    private final int clients;
    private final int servers;

    public SchedLab(List<SchedCase> cases) {
        this.cases = List.copyOf(cases);
        int c = 1, s = 1;
        for (SchedCase k : cases) {
            for (SchedCase.Dest d : k.dests()) s = Math.max(s, d.rs());
            for (SchedCase.Conn x : k.conns()) c = Math.max(c, x.client());
        }
        this.clients = c;
        this.servers = s;
    }

    public List<SchedCase> cases() {
        return cases;
    }

    static String clientAddr(int i) {
        return "172.16.0." + (10 * i);
    }

    static String rsAddr(int i) {
        return "10.0.0." + (10 + i);
    }

    /** Connection ids: s<case>c<conn>, both from 1. */
    public static String connId(int caseIdx, int connIdx) {
        return "s" + (caseIdx + 1) + "c" + (connIdx + 1);
    }

    /** The ipvsadm lines (same text for the lab shell and the simulator's script config). */
    String ipvsadm() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            SchedCase k = cases.get(i);
            String svc = VIP + ":" + (BASE_PORT + i);
            sb.append("ipvsadm -A -t ").append(svc).append(" -s ").append(k.scheduler());
            if (!k.flags().isEmpty()) sb.append(" -b ").append(k.flags());
            sb.append('\n');
            for (SchedCase.Dest d : k.dests()) {
                sb.append("ipvsadm -a -t ").append(svc).append(" -r ").append(rsAddr(d.rs())).append(":80 -m -w ")
                        .append(d.weight()).append('\n');
            }
        }
        return sb.toString();
    }

    /** The lab case: every connection a Run step (held ones in the background, waited for). */
    public LabPlan labPlan() {
        List<LabHost> hosts = new ArrayList<>();
        for (int c = 1; c <= clients; c++) {
            hosts.add(new LabHost("client" + c, List.of(new LabIface("eth0", "outside", clientAddr(c) + "/24")), ""));
        }
        hosts.add(new LabHost("director", List.of(
                new LabIface("eth0", "outside", List.of("172.16.0.1/24", VIP + "/32"), null),
                new LabIface("eth1", "inside", "10.0.0.1/24")),
                "sysctl -w net.ipv4.ip_forward=1\n" + ipvsadm()));
        List<LabServer> srv = new ArrayList<>();
        for (int s = 1; s <= servers; s++) {
            hosts.add(new LabHost("rs" + s, List.of(new LabIface("eth0", "inside", rsAddr(s) + "/24")),
                    "ip route add default via 10.0.0.1\n"));
            // the probe server as a Run step below: LabServer has no --hold
        }
        List<LabStep> steps = new ArrayList<>();
        for (int s = 1; s <= servers; s++) {
            String log = "/out/" + CASE + "/server-rs" + s + ".jsonl";
            steps.add(new LabStep.Run("rs" + s, "fnlab-probe serve tcp 80 rs" + s + " --hold " + HOLD_MS + " > " + log
                    + " 2>&1 & n=0; while ! grep -q listening " + log + " && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done",
                    "server-rs" + s + ".start"));
        }
        for (int i = 0; i < cases.size(); i++) {
            SchedCase k = cases.get(i);
            for (int j = 0; j < k.conns().size(); j++) {
                SchedCase.Conn x = k.conns().get(j);
                String id = connId(i, j);
                String cmd = "fnlab-probe connect tcp " + VIP + " " + (BASE_PORT + i)
                        + (x.sport() > 0 ? " --sport " + x.sport() : "") + " --request " + id + " --timeout 1500";
                if (x.hold()) {
                    String log = "/out/" + CASE + "/flow-" + id + ".jsonl";
                    cmd += " --hold " + HOLD_MS + " > " + log + " 2>&1 & n=0; while ! grep -q connect " + log
                            + " && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done";
                    steps.add(new LabStep.Run("client" + x.client(), cmd, "flow-" + id + ".start"));
                } else {
                    steps.add(new LabStep.Run("client" + x.client(), cmd, "flow-" + id + ".jsonl"));
                }
            }
        }
        steps.add(new LabStep.Run("director", "ipvsadm -Ln", "ipvsadm-Ln.txt"));
        steps.add(new LabStep.Run("director", "ipvsadm -Lnc", "ipvsadm-Lnc.txt"));
        return new LabPlan(CASE, hosts, srv, steps, false);
    }

    /** The same network as a scenario for the simulator (connections 100 ms apart, held = close: false). */
    public String scenarioYaml() {
        StringBuilder y = new StringBuilder("name: ipvsdiff-sched\nsegments: [outside, inside]\nhosts:\n");
        for (int c = 1; c <= clients; c++) {
            y.append("  - name: client").append(c).append("\n    interfaces:\n      - {name: eth0, segment: outside, addresses: [")
                    .append(clientAddr(c)).append("/24]}\n");
        }
        y.append("  - name: director\n    interfaces:\n")
                .append("      - {name: eth0, segment: outside, addresses: [172.16.0.1/24, ").append(VIP).append("/32]}\n")
                .append("      - {name: eth1, segment: inside, addresses: [10.0.0.1/24]}\n")
                .append("    sysctls:\n      net.ipv4.ip_forward: 1\n")
                .append("    config:\n      - kind: script\n        text: |\n");
        for (String l : ipvsadm().split("\n")) y.append("          ").append(l).append('\n');
        for (int s = 1; s <= servers; s++) {
            y.append("  - name: rs").append(s).append("\n    interfaces:\n      - {name: eth0, segment: inside, addresses: [")
                    .append(rsAddr(s)).append("/24]}\n    routes:\n      - {to: default, via: 10.0.0.1}\n");
        }
        y.append("servers:\n");
        for (int s = 1; s <= servers; s++) y.append("  - {host: rs").append(s).append(", proto: tcp, port: 80, response: rs").append(s).append("}\n");
        y.append("traffic:\n");
        long t = 0;
        for (int i = 0; i < cases.size(); i++) {
            SchedCase k = cases.get(i);
            for (int j = 0; j < k.conns().size(); j++) {
                SchedCase.Conn x = k.conns().get(j);
                y.append("  - {id: ").append(connId(i, j)).append(", from: client").append(x.client()).append(", to: ")
                        .append(VIP).append(':').append(BASE_PORT + i).append(", request: ").append(connId(i, j));
                if (x.sport() > 0) y.append(", sport: ").append(x.sport());
                y.append(", close: ").append(!x.hold()).append(", start: ").append(t).append("ms}\n");
                t += 100;
            }
        }
        return y.toString();
    }

    /** Per connection id, the real server the simulator picked ("rs2"), or "-" when none served it. */
    public Map<String, String> simulate() {
        Scenario s = ScenarioReader.parse(scenarioYaml(), Path.of("ipvsdiff-sched.yaml"));
        List<Traffic.Flow> flows = s.traffic().stream().filter(t -> t instanceof Traffic.Flow).map(t -> (Traffic.Flow) t).toList();
        Map<String, String> out = new LinkedHashMap<>();
        for (FlowResult r : Network.of(s, 1).run(flows)) {
            out.put(r.flow(), r.servedByHost() == null ? "-" : r.servedByHost());
        }
        return out;
    }

    /** Per connection id, the real server that answered on the real kernel ("-" when none did). */
    public Map<String, String> fromLab(LabResult r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            for (int j = 0; j < cases.get(i).conns().size(); j++) {
                String id = connId(i, j);
                List<ProbeEvent> ev = r.flow(id);
                String resp = ev.isEmpty() ? null : ev.get(0).response();
                out.put(id, resp == null || resp.isEmpty() ? "-" : resp);
            }
        }
        return out;
    }

    /** The picks of one case, in connection order, from a per-connection map. */
    public List<String> picks(Map<String, String> byConn, int caseIdx) {
        List<String> l = new ArrayList<>();
        for (int j = 0; j < cases.get(caseIdx).conns().size(); j++) l.add(byConn.getOrDefault(connId(caseIdx, j), "?"));
        return l;
    }
}
