package io.fnlab.lab.bench;

import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.netns.NetnsBackend;
import io.fnlab.lab.probe.ProbeEvent;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.sim.bench.KubeWorkloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rate at which fnlab's own lab establishes the IPVS-mode node's connections in network
 * namespaces, the way {@code fnlab lab run} does: a {@link LabPlan} run by the {@link NetnsBackend}
 * (its generated shell, {@code ip netns exec} per step), one {@code fnlab-probe connect} per
 * connection (each flow of a scenario is one such step), a probe server answering every endpoint.
 *
 * <p>Namespaces: client (192.168.0.100 on "net"), node (192.168.0.10 on "net", 10.250.0.1 on
 * "pods", forwarding on), pods (10.250.0.2, with 10.244.0.0/16 local so that one probe server is
 * every endpoint). The node gets the first services of the workload as kube-proxy's IPVS mode
 * writes them ({@code ipvsadm-restore}, ClusterIPs on kube-ipvs0, vs/conntrack=1) when the kernel
 * has IPVS, and otherwise as its iptables mode writes them ({@code iptables-restore} of
 * KUBE-SERVICES, KUBE-SVC-*, KUBE-SEP-* with DNAT and MASQUERADE): {@link Result#path()} says
 * which. Unlike {@code lab run} nothing is captured (tcpdump would only slow the lab down), so the
 * rate is the lab's best case. The clock runs, in the client's namespace, from just before the
 * first connection to just after the last.
 */
public final class LabConnRate {
    /** Connections tried and established, seconds between the first and the last, and the kernel path. */
    public record Result(int connections, int established, double seconds, String path) {
        public double perSecond() {
            return established / Math.max(1e-9, seconds);
        }
    }

    private LabConnRate() {}

    /** Why the lab cannot run here, or null. */
    public static String unavailable() {
        Optional<String> why = NetnsBackend.unavailableReason();
        if (why.isPresent()) return why.get();
        return io.fnlab.lab.netns.Exec.onPath("iptables-restore") ? null : "iptables-restore is not installed";
    }

    /** The plan: {@code connections} connections, round-robin over the first services of {@code w}. */
    public static LabPlan plan(KubeWorkloads w, int connections) {
        int services = Math.min(w.services(), connections);
        KubeWorkloads first = new KubeWorkloads(services, w.endpoints(), w.seed());
        StringBuilder node = new StringBuilder();
        node.append("sysctl -qw net.ipv4.ip_forward=1\n")
                .append("ip route add 10.244.0.0/16 via 10.250.0.2\n")
                .append("if modprobe ip_vs 2>/dev/null; ipvsadm -A -t 10.96.0.1:1 2>/dev/null; then\n")
                .append("  ipvsadm -C\n")
                .append("  ip link add kube-ipvs0 type dummy 2>/dev/null && VDEV=kube-ipvs0 || VDEV=lo\n")
                .append("  ip link set $VDEV up\n");
        for (int i = 0; i < services; i++) node.append("  ip addr add ").append(KubeWorkloads.str(first.clusterIp(i))).append("/32 dev $VDEV\n");
        node.append("  sysctl -qw net.ipv4.vs.conntrack=1\n")
                .append("  ipvsadm-restore <<'FNLAB_IPVS'\n").append(first.ipvsadmSave()).append("FNLAB_IPVS\n")
                .append("else\n")
                .append("  iptables-restore <<'FNLAB_IPT'\n").append(first.iptablesModeSave()).append("FNLAB_IPT\n")
                .append("fi\n");
        String pods = "ip route add local 10.244.0.0/16 dev lo\nip route add default via 10.250.0.1\n";
        String client = "ip route add 10.96.0.0/12 via 192.168.0.10\n";
        List<LabPlan.LabHost> hosts = List.of(
                new LabPlan.LabHost("client", List.of(new LabPlan.LabIface("eth0", "net", "192.168.0.100/24")), client),
                new LabPlan.LabHost("node", List.of(new LabPlan.LabIface("eth0", "net", "192.168.0.10/24"),
                        new LabPlan.LabIface("cni0", "pods", "10.250.0.1/24")), node.toString()),
                new LabPlan.LabHost("pods", List.of(new LabPlan.LabIface("eth0", "pods", "10.250.0.2/24")), pods));
        List<LabPlan.LabServer> servers = List.of(new LabPlan.LabServer("pods", "tcp", KubeWorkloads.ENDPOINT_PORT, "ok", null));
        List<LabPlan.LabStep> steps = new ArrayList<>();
        steps.add(new LabPlan.LabStep.Run("node", "ipvsadm -Ln 2>/dev/null | grep -q '^TCP' && echo ipvs || echo iptables-dnat", "path"));
        steps.add(new LabPlan.LabStep.Run("client", "date +%s%N", "t0"));
        for (int k = 0; k < connections; k++) {
            int svc = k % services;
            steps.add(new LabPlan.LabStep.Connect("c" + k, "client", "tcp", KubeWorkloads.str(first.clusterIp(svc)),
                    first.servicePort(svc), 0, "hello", 2000, 1));
        }
        steps.add(new LabPlan.LabStep.Run("client", "date +%s%N", "t1"));
        return new LabPlan("bench-lab", hosts, servers, steps, false);
    }

    public static Result measure(KubeWorkloads w, int connections) {
        String why = unavailable();
        if (why != null) throw new IllegalStateException(why);
        LabPlan plan = plan(w, connections);
        LabResult r = new NetnsBackend().run(plan, Duration.ofSeconds(120 + connections / 10L));
        if (r.exitCode() != 0) throw new IllegalStateException("the lab run failed (exit " + r.exitCode() + "): " + r.log().strip());
        String t0 = r.text("t0"), t1 = r.text("t1"), path = r.text("path");
        if (t0.isBlank() || t1.isBlank()) throw new IllegalStateException("the lab run left no timestamps: " + r.log().strip());
        double secs = (Long.parseLong(t1.strip()) - Long.parseLong(t0.strip())) / 1e9;
        int est = 0;
        for (int k = 0; k < connections; k++) {
            for (ProbeEvent e : r.flow("c" + k)) if (e.clientOutcome().orElse(null) == Outcome.ESTABLISHED) est++;
        }
        return new Result(connections, est, secs, path.isBlank() ? "?" : path.strip());
    }
}
