package io.fnlab.sim.bench;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded kube-proxy-sized scenarios for benchmarks. Both are written as a scenario directory
 * would be (a YAML file naming ipset save, iptables-save and ipvsadm -Sn files) and read back
 * through {@link ScenarioReader}, so the configuration goes through the same readers (IpsetSave,
 * IptablesSave, IpvsadmSave) as a user's files do. (Inline text would exceed the YAML reader's
 * 3 MiB document limit at these sizes.)
 *
 * <p>Shape: one node "node" with eth0 192.168.0.10/16 (clients are on that /16), cni0
 * 10.244.0.1/16 (every endpoint is on it) and, for IPVS mode, kube-ipvs0 holding every ClusterIP.
 * Service i has ClusterIP {@link #clusterIp(int)} and port {@link #servicePort(int)}; its
 * endpoints are {@link #endpoint(int, int)} on port 8080 (ports and endpoints are drawn from
 * the seed).
 */
public final class KubeWorkloads {
    public static final int NODE_ETH0 = ip(192, 168, 0, 10);
    public static final int NODE_CNI0 = ip(10, 244, 0, 1);
    public static final int ENDPOINT_PORT = 8080;

    private final int services;
    private final int endpoints;
    private final long seed;
    private final int[] ports;
    private final int[] epBase;

    public KubeWorkloads(int services, int endpoints, long seed) {
        if (services < 1 || services > 60_000) throw new IllegalArgumentException("services must be 1..60000");
        if (endpoints < 1 || endpoints > 64) throw new IllegalArgumentException("endpoints must be 1..64");
        this.services = services;
        this.endpoints = endpoints;
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed);
        int[] common = {80, 443, 8080, 53, 9090, 6379, 5432, 3306};
        ports = new int[services];
        epBase = new int[services];
        int pods = 65_000; // 10.244.0.2 .. 10.244.253.255
        for (int i = 0; i < services; i++) {
            ports[i] = r.nextInt(4) == 0 ? 1024 + r.nextInt(30_000) : common[r.nextInt(common.length)];
            epBase[i] = r.nextInt(pods);
        }
    }

    public int services() {
        return services;
    }

    public int endpoints() {
        return endpoints;
    }

    /** The seed; a workload with fewer services and the same seed has the same first services. */
    public long seed() {
        return seed;
    }

    /** ClusterIP of service i: 10.96.0.0/12 from 10.96.0.10 up. */
    public int clusterIp(int i) {
        return ip(10, 96, 0, 0) + 10 + i;
    }

    public int servicePort(int i) {
        return ports[i];
    }

    /** Endpoint j of service i, an address on cni0's 10.244.0.0/16. */
    public int endpoint(int i, int j) {
        int k = (epBase[i] + j * 7919) % 65_000;
        return NODE_CNI0 + 1 + k;
    }

    // ---------------------------------------------------------------- IPVS mode

    /** The `ipset save` text kube-proxy's IPVS mode leaves (KUBE-CLUSTER-IP, KUBE-LOOP-BACK, ...). */
    public String ipsetSave() {
        StringBuilder b = new StringBuilder(services * 120);
        b.append("create KUBE-CLUSTER-IP hash:ip,port family inet hashsize ").append(hashsize(services))
                .append(" maxelem 262144 bucketsize 12 initval 0x5c1d3e4a\n");
        for (int i = 0; i < services; i++)
            b.append("add KUBE-CLUSTER-IP ").append(str(clusterIp(i))).append(",tcp:").append(ports[i]).append('\n');
        b.append("create KUBE-LOOP-BACK hash:ip,port,ip family inet hashsize ").append(hashsize(services * endpoints))
                .append(" maxelem 1048576 bucketsize 12 initval 0x0a1b2c3d\n");
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < services; i++)
            for (int j = 0; j < endpoints; j++) {
                int e = endpoint(i, j);
                if (seen.add(e)) b.append("add KUBE-LOOP-BACK ").append(str(e)).append(",tcp:").append(ENDPOINT_PORT)
                        .append(',').append(str(e)).append('\n');
            }
        b.append("create KUBE-NODE-PORT-TCP bitmap:port range 0-65535\n");
        b.append("create KUBE-NODE-PORT-UDP bitmap:port range 0-65535\n");
        b.append("create KUBE-HEALTH-CHECK-NODE-PORT bitmap:port range 0-65535\n");
        for (String s : new String[] {"KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL", "KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER-FW"})
            b.append("create ").append(s).append(" hash:ip,port family inet hashsize 1024 maxelem 65536\n");
        b.append("create KUBE-IPVS-IPS hash:ip family inet hashsize ").append(hashsize(services)).append(" maxelem 262144\n");
        for (int i = 0; i < services; i++) b.append("add KUBE-IPVS-IPS ").append(str(clusterIp(i))).append('\n');
        return b.toString();
    }

    /** The iptables-save text of kube-proxy's IPVS mode (as scenarios/kube-ipvs-node.yaml, recent releases). */
    public static String ipvsModeIptablesSave() {
        return """
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :KUBE-FORWARD - [0:0]
                :KUBE-IPVS-FILTER - [0:0]
                :KUBE-IPVS-OUT-FILTER - [0:0]
                :KUBE-NODE-PORT - [0:0]
                :KUBE-PROXY-FIREWALL - [0:0]
                :KUBE-SOURCE-RANGES-FIREWALL - [0:0]
                -A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER
                -A INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL
                -A INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT
                -A FORWARD -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL
                -A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
                -A OUTPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-OUT-FILTER
                -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
                -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN
                -A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN
                -A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable
                -A KUBE-NODE-PORT -m comment --comment "Kubernetes health check node port" -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT
                -A KUBE-PROXY-FIREWALL -m comment --comment "Kubernetes service load balancer ip + port for load balancer with sourceRange" -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst -j KUBE-SOURCE-RANGES-FIREWALL
                -A KUBE-SOURCE-RANGES-FIREWALL -j DROP
                COMMIT
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                :KUBE-MARK-MASQ - [0:0]
                :KUBE-NODE-PORT - [0:0]
                :KUBE-POSTROUTING - [0:0]
                :KUBE-SERVICES - [0:0]
                -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
                -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
                -A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ
                -A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE
                -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
                -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
                -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
                -A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN
                -A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ
                -A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT
                -A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT
                COMMIT
                """;
    }

    /** `ipvsadm -Sn`: one rr masq service per ClusterIP with its endpoints. */
    public String ipvsadmSave() {
        StringBuilder b = new StringBuilder(services * (40 + endpoints * 50));
        for (int i = 0; i < services; i++) {
            String vip = str(clusterIp(i)) + ":" + ports[i];
            b.append("-A -t ").append(vip).append(" -s rr\n");
            for (int j = 0; j < endpoints; j++)
                b.append("-a -t ").append(vip).append(" -r ").append(str(endpoint(i, j))).append(':').append(ENDPOINT_PORT)
                        .append(" -m -w 1\n");
        }
        return b.toString();
    }

    /**
     * Writes the IPVS-mode node as a scenario directory: kube-ipvs-bench.yaml whose configs are
     * files next to it (ipset.save, iptables.save, ipvsadm.save), as a user would keep them;
     * returns the scenario file.
     */
    public Path writeIpvsScenario(Path dir) throws IOException {
        StringBuilder kubeIpvs0 = new StringBuilder();
        for (int i = 0; i < services; i++) kubeIpvs0.append(i == 0 ? "" : ", ").append(str(clusterIp(i))).append("/32");
        Files.writeString(dir.resolve("ipset.save"), ipsetSave());
        Files.writeString(dir.resolve("iptables.save"), ipvsModeIptablesSave());
        Files.writeString(dir.resolve("ipvsadm.save"), ipvsadmSave());
        Path f = dir.resolve("kube-ipvs-bench.yaml");
        Files.writeString(f, header("kube-ipvs-bench", "ipvs", "        addresses: [" + kubeIpvs0 + "]\n")
                + "    config:\n"
                + "      - {kind: ipset-save, file: ipset.save}\n"
                + "      - {kind: iptables-save, file: iptables.save}\n"
                + "      - {kind: ipvsadm-save, file: ipvsadm.save}\n");
        return f;
    }

    // ---------------------------------------------------------------- iptables mode

    /** The nat table kube-proxy's iptables mode writes for these services (KUBE-SVC-*, KUBE-SEP-*). */
    public String iptablesModeSave() {
        StringBuilder b = new StringBuilder(services * endpoints * 400);
        b.append("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:KUBE-FORWARD - [0:0]\n")
                .append("-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n")
                .append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT\n")
                .append("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n")
                .append("COMMIT\n");
        b.append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n")
                .append(":KUBE-MARK-MASQ - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-SERVICES - [0:0]\n");
        for (int i = 0; i < services; i++) {
            b.append(':').append(svcChain(i)).append(" - [0:0]\n");
            for (int j = 0; j < endpoints; j++) b.append(':').append(sepChain(i, j)).append(" - [0:0]\n");
        }
        b.append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n")
                .append("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n")
                .append("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n")
                .append("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n")
                .append("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n")
                .append("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n")
                .append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n");
        for (int i = 0; i < services; i++) {
            String name = "ns" + (i % 100) + "/svc-" + i + ":p";
            String vip = str(clusterIp(i)) + "/32";
            b.append("-A KUBE-SERVICES -d ").append(vip).append(" -p tcp -m comment --comment \"").append(name)
                    .append(" cluster IP\" -m tcp --dport ").append(ports[i]).append(" -j ").append(svcChain(i)).append('\n');
        }
        b.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\"")
                .append(" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
        for (int i = 0; i < services; i++) {
            String name = "ns" + (i % 100) + "/svc-" + i + ":p";
            String vip = str(clusterIp(i)) + "/32";
            b.append("-A ").append(svcChain(i)).append(" ! -s 10.244.0.0/16 -d ").append(vip).append(" -p tcp -m comment --comment \"")
                    .append(name).append(" cluster IP\" -m tcp --dport ").append(ports[i]).append(" -j KUBE-MARK-MASQ\n");
            for (int j = 0; j < endpoints; j++) {
                String ep = str(endpoint(i, j)) + ":" + ENDPOINT_PORT;
                b.append("-A ").append(svcChain(i)).append(" -m comment --comment \"").append(name).append(" -> ").append(ep).append('"');
                int left = endpoints - j;
                if (left > 1) b.append(" -m statistic --mode random --probability ")
                        .append(String.format(Locale.ROOT, "%.11f", 1.0 / left));
                b.append(" -j ").append(sepChain(i, j)).append('\n');
            }
            for (int j = 0; j < endpoints; j++) {
                String e = str(endpoint(i, j));
                b.append("-A ").append(sepChain(i, j)).append(" -s ").append(e).append("/32 -m comment --comment \"").append(name)
                        .append("\" -j KUBE-MARK-MASQ\n");
                b.append("-A ").append(sepChain(i, j)).append(" -p tcp -m comment --comment \"").append(name)
                        .append("\" -m tcp -j DNAT --to-destination ").append(e).append(':').append(ENDPOINT_PORT).append('\n');
            }
        }
        b.append("COMMIT\n");
        return b.toString();
    }

    /** Writes the iptables-mode node as a scenario directory (kube-iptables-bench.yaml and iptables.save); returns the scenario file. */
    public Path writeIptablesScenario(Path dir) throws IOException {
        Files.writeString(dir.resolve("iptables.save"), iptablesModeSave());
        Path f = dir.resolve("kube-iptables-bench.yaml");
        Files.writeString(f, header("kube-iptables-bench", "iptables", "") + "    config:\n"
                + "      - {kind: iptables-save, file: iptables.save}\n");
        return f;
    }

    /** Number of `-A` rules in the iptables-mode ruleset. */
    public int iptablesModeRuleCount() {
        return 3 + 7 + services * (2 + 3 * endpoints) + 1;
    }

    /** The IPVS-mode node read back with ScenarioReader from files written in {@code dir}. */
    public Scenario ipvsScenario(Path dir) throws IOException {
        return ScenarioReader.read(writeIpvsScenario(dir));
    }

    /** The iptables-mode node read back with ScenarioReader from files written in {@code dir}. */
    public Scenario iptablesScenario(Path dir) throws IOException {
        return ScenarioReader.read(writeIptablesScenario(dir));
    }

    // ---------------------------------------------------------------- helpers

    private String svcChain(int i) {
        return "KUBE-SVC-" + hashName("svc", i);
    }

    private String sepChain(int i, int j) {
        return "KUBE-SEP-" + hashName("sep" + j, i);
    }

    /** A 16-character base32-looking name, as kube-proxy's servicePortChainName (sha256, base32, 16 chars). */
    private static String hashName(String kind, int i) {
        long h = (kind.hashCode() * 0x9E3779B97F4A7C15L) ^ (i * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        char[] c = new char[16];
        long x = h;
        for (int k = 0; k < 12; k++) { c[k] = alphabet.charAt((int) (x & 31)); x >>>= 5; }
        for (int k = 12; k < 16; k++) { c[k] = alphabet.charAt((i >>> ((k - 12) * 5)) & 31); }
        return new String(c);
    }

    private String header(String name, String mode, String kubeIpvs0) {
        return "name: " + name + "\n"
                + "description: generated kube-proxy " + mode + "-mode node, " + services + " services x " + endpoints + " endpoints\n"
                + "segments: [lan, cni0]\n"
                + "hosts:\n"
                + "  - name: node\n"
                + "    role: director\n"
                + "    interfaces:\n"
                + "      - {name: eth0, segment: lan, addresses: [192.168.0.10/16]}\n"
                + "      - {name: cni0, segment: cni0, addresses: [10.244.0.1/16]}\n"
                + (kubeIpvs0.isEmpty() ? "" : "      - name: kube-ipvs0\n        kind: dummy\n" + kubeIpvs0)
                + "    sysctls:\n"
                + "      net.ipv4.ip_forward: 1\n"
                + (mode.equals("ipvs") ? "      net.ipv4.vs.conntrack: 1\n      net.ipv4.vs.expire_nodest_conn: 1\n"
                        + "      net.ipv4.vs.expire_quiescent_template: 1\n" : "");
    }

    private static int hashsize(int n) {
        int h = 1024;
        while (h < n) h <<= 1;
        return h;
    }

    public static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    public static String str(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 255) + "." + (ip >>> 8 & 255) + "." + (ip & 255);
    }
}
