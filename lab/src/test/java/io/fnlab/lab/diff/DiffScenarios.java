package io.fnlab.lab.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * The jqwik generator of random iptables-only cases. The shape: client c1 (10.0.1.2) and maybe
 * c2 (10.0.1.3, or 10.0.4.2 in a subnet the router may route to the wrong side, for rp_filter)
 * on "front"; router r (10.0.1.1 / 10.0.2.1, maybe a second address 10.0.3.1/24 on eth1) with
 * random ip_forward and rp_filter; server s1 (10.0.2.10) and maybe s2 (10.0.2.11) on "back",
 * each with or without a route back. r's iptables-save text draws from: DNAT of 10.0.1.1:80
 * (directly or through a user chain with a RETURN), REDIRECT of :81, DNAT of udp :53, MARK
 * in mangle or nat PREROUTING (before or after the DNAT) with MASQUERADE/REJECT on that mark,
 * MASQUERADE/SNAT on eth1 (with --to-ports sometimes), filter FORWARD drops and REJECTs
 * (icmp-port-unreachable, tcp-reset), policy DROP with conntrack state rules, a user chain in
 * FORWARD, INPUT rejects on r and s1. Then 2-4 flows, TCP mostly, some UDP.
 *
 * One case in eight has two hosts only ({@link #twoHosts}).
 *
 * <p>Every next hop the configuration names exists, so no flow waits on a failing ARP longer
 * than the probe's timeout (see {@link KernelSide}).
 */
final class DiffScenarios {
    private DiffScenarios() {}

    /** Cases named case-N, drawn from jqwik's random source. */
    static Arbitrary<DiffCase> cases() {
        int[] n = {0};
        return Arbitraries.randomValue(r -> generate(r, "case-" + (n[0]++)));
    }

    static DiffCase generate(Random r, String name) {
        if (r.nextInt(8) == 0) return twoHosts(r, name);
        CaseBuilder b = new CaseBuilder(name).segment("front").segment("back");
        int extra = r.nextInt(3); // 0: none, 1: c2, 2: s2 (2-4 hosts... at most 4)
        boolean c2 = extra == 1 || (extra == 0 && r.nextInt(4) == 0);
        boolean s2 = extra == 2;
        boolean c2far = c2 && r.nextBoolean();
        boolean eth1second = r.nextInt(4) == 0;

        b.host("c1", "client").eth("eth0", "front", "10.0.1.2/24").route("default", "10.0.1.1", null, null)
                .sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", 0);
        if (c2) {
            if (c2far) b.host("c2", "client").eth("eth0", "front", "10.0.4.2/24").route("10.0.1.0/24", null, "eth0", null)
                    .route("default", "10.0.1.1", null, null).sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", 0);
            else b.host("c2", "client").eth("eth0", "front", "10.0.1.3/24").route("default", "10.0.1.1", null, null)
                    .sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", 0);
        }
        int how = c2far ? r.nextInt(3) : 0; // the router's route to c2's 10.0.4.0/24: 0 dev eth0, 1 dev eth1, 2 none
        int rpf = r.nextInt(3);
        // Left out: c2's own ARP for its gateway failing. The router answers ARP only when the
        // request passes rp_filter (arp_process -> ip_route_input): strict with the route on the
        // wrong side, or loose with no route, refuses it. The kernel then reports the failure to
        // c2's socket as EHOSTUNREACH about 3 s after resolution began (neigh_invalidate ->
        // arp_error_report -> icmp_send to itself), which may fall into a later flow's 1 s
        // window, while the simulator resolves ARP at once and drops silently (a timeout).
        if (how == 1 && rpf == 1) rpf = 2;
        if (how == 2) rpf = 0;
        CaseBuilder.HostB router = b.host("r", "router").eth("eth0", "front", "10.0.1.1/24")
                .eth("eth1", "back", eth1second ? new String[] {"10.0.2.1/24", "10.0.3.1/24"} : new String[] {"10.0.2.1/24"})
                .sysctl("net.ipv4.ip_forward", r.nextInt(5) == 0 ? 0 : 1).conf("rp_filter", rpf);
        if (how == 0 && c2far) router.route("10.0.4.0/24", null, "eth0", null);
        else if (how == 1) router.route("10.0.4.0/24", null, "eth1", null);
        if (eth1second && r.nextBoolean()) router.route("10.0.2.10/32", null, "eth1", "10.0.3.1");
        b.host("s1", "server").eth("eth0", "back", "10.0.2.10/24");
        serverHost(b, "s1", r);
        if (s2) {
            b.host("s2", "server").eth("eth0", "back", "10.0.2.11/24");
            serverHost(b, "s2", r);
        }

        // servers
        b.server("s1", "tcp", 8080, "s1").server("s1", "udp", 5353, "s1u");
        if (r.nextBoolean()) b.server("s1", "tcp", 80, "s1-80");
        if (s2) b.server("s2", "tcp", 8080, "s2");
        boolean routerServes = r.nextBoolean();
        if (routerServes) b.server("r", "tcp", 8080, "r");

        router.iptables(routerRules(b, r, s2, eth1second));
        if (r.nextInt(5) == 0) {
            // s1 refuses port 80 in its own INPUT: icmp-port-unreachable (REJECT's default) or a RST
            b.hosts("s1").iptables("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                    + "-A INPUT -p tcp -m tcp --dport 80 -j REJECT" + (r.nextBoolean() ? " --reject-with tcp-reset" : "")
                    + "\nCOMMIT\n");
        }

        // flows
        List<String[]> targets = new ArrayList<>(List.of(
                new String[] {"tcp", "10.0.1.1", "80"}, new String[] {"tcp", "10.0.1.1", "81"},
                new String[] {"tcp", "10.0.2.10", "8080"}, new String[] {"tcp", "10.0.2.10", "80"},
                new String[] {"tcp", "10.0.1.1", "80"}, new String[] {"udp", "10.0.1.1", "53"},
                new String[] {"udp", "10.0.2.10", "5353"}, new String[] {"tcp", "10.0.1.1", "8080"}));
        if (s2) targets.add(new String[] {"tcp", "10.0.2.11", "8080"});
        int nflows = 2 + r.nextInt(3);
        boolean[] fixedUsed = {false, false};
        for (int i = 0; i < nflows; i++) {
            String[] t = targets.get(r.nextInt(targets.size()));
            int from = c2 && r.nextBoolean() ? 1 : 0;
            int sport = 0;
            // a fixed source port, at most once per client (a second connect would meet its TIME_WAIT);
            // both clients on 40000 make MASQUERADE pick another port for the second
            if (t[0].equals("tcp") && !fixedUsed[from] && r.nextInt(3) == 0) {
                sport = 40000;
                fixedUsed[from] = true;
            }
            b.flow("f" + i, from == 0 ? "c1" : "c2", t[0], t[1], Integer.parseInt(t[2]), sport);
        }
        return b.build();
    }

    /**
     * Two hosts on one segment: the client and a server whose own tables REDIRECT :80 and :53,
     * DNAT :81 to itself through a user chain, MARK :80 (mangle, or nat before/after the
     * REDIRECT) and filter INPUT on that mark, on the source, on UDP, or by policy DROP.
     */
    static DiffCase twoHosts(Random r, String name) {
        CaseBuilder b = new CaseBuilder(name).segment("front");
        b.host("c1", "client").eth("eth0", "front", "10.0.1.2/24").sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", 0);
        CaseBuilder.HostB s = b.host("s1", "server").eth("eth0", "front", "10.0.1.10/24")
                .sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", r.nextInt(3));
        b.server("s1", "tcp", 8080, "s1").server("s1", "udp", 5353, "s1u");
        if (r.nextBoolean()) b.server("s1", "tcp", 80, "s1-80");

        String mark = "-p tcp -m tcp --dport 80 -j MARK --set-xmark 0x4000/0x4000\n";
        int markWhere = r.nextInt(4); // 0 none, 1 mangle, 2 nat before REDIRECT, 3 nat after REDIRECT (never marks)
        StringBuilder t = new StringBuilder();
        if (markWhere == 1) t.append("*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                + ":POSTROUTING ACCEPT [0:0]\n-A PREROUTING " + mark + "COMMIT\n");
        t.append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
        boolean svc = r.nextBoolean();
        if (svc) t.append(":SVC - [0:0]\n");
        if (markWhere == 2) t.append("-A PREROUTING ").append(mark);
        if (r.nextBoolean()) t.append("-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080\n");
        if (markWhere == 3) t.append("-A PREROUTING ").append(mark);
        if (svc) t.append("-A PREROUTING -d 10.0.1.10/32 -j SVC\n");
        if (r.nextBoolean()) t.append("-A PREROUTING -p udp -m udp --dport 53 -j REDIRECT --to-ports 5353\n");
        if (svc) t.append("-A SVC -p tcp -m tcp --dport 81 -j DNAT --to-destination 10.0.1.10:8080\n");
        t.append("COMMIT\n");
        boolean drop = r.nextInt(5) == 0;
        t.append("*filter\n:INPUT ").append(drop ? "DROP" : "ACCEPT").append(" [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        if (markWhere != 0 && r.nextBoolean())
            // tcp-reset needs -p tcp (reject_tg_check refuses the rule otherwise, and so does the model)
            t.append(r.nextBoolean() ? "-A INPUT -p tcp -m mark --mark 0x4000/0x4000 -j REJECT --reject-with tcp-reset\n"
                    : "-A INPUT -m mark --mark 0x4000/0x4000 -j REJECT\n");
        if (r.nextInt(5) == 0) t.append("-A INPUT -s 10.0.1.2/32 -p tcp -m tcp --dport 8080 -j DROP\n");
        if (r.nextInt(5) == 0) t.append("-A INPUT -p udp -j REJECT --reject-with icmp-port-unreachable\n");
        if (drop) {
            t.append("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
            if (r.nextBoolean()) t.append("-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT\n");
            if (r.nextBoolean()) t.append("-A INPUT -p udp -m udp --dport 5353 -j ACCEPT\n");
        }
        t.append("COMMIT\n");
        s.iptables(t.toString());
        String[][] targets = {{"tcp", "80"}, {"tcp", "81"}, {"tcp", "8080"}, {"udp", "5353"}, {"udp", "53"}};
        int n = 2 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            String[] x = targets[r.nextInt(targets.length)];
            b.flow("f" + i, "c1", x[0], "10.0.1.10", Integer.parseInt(x[1]), 0);
        }
        return b.build();
    }

    private static void serverHost(CaseBuilder b, String name, Random r) {
        CaseBuilder.HostB h = b.hosts(name);
        if (r.nextInt(5) != 0) h.route("default", "10.0.2.1", null, null);
        h.sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", r.nextInt(3));
    }

    private static String routerRules(CaseBuilder b, Random r, boolean s2, boolean eth1second) {
        List<String> manglePre = new ArrayList<>();
        List<String> natPre = new ArrayList<>();
        List<String> natPost = new ArrayList<>();
        List<String> filterFwd = new ArrayList<>();
        List<String> filterIn = new ArrayList<>();
        List<String> userChains = new ArrayList<>(); // "table chain"
        List<String> userRules = new ArrayList<>(); // "table -A ..."
        String mark = "-p tcp -m tcp --dport 80 -j MARK --set-xmark 0x4000/0x4000";
        int markWhere = r.nextInt(4); // 0 none, 1 mangle PREROUTING, 2 nat before DNAT, 3 nat after DNAT (never marks)
        if (markWhere == 1) manglePre.add("-A PREROUTING " + mark);
        if (markWhere == 2) natPre.add("-A PREROUTING " + mark);

        String[] dnatTargets = s2 ? new String[] {"10.0.2.10:8080", "10.0.2.11:8080", "10.0.2.10", "10.0.2.10:80"}
                : new String[] {"10.0.2.10:8080", "10.0.2.10", "10.0.2.10:80"};
        if (r.nextInt(5) != 0) {
            String dnat = "-d 10.0.1.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination " + dnatTargets[r.nextInt(dnatTargets.length)];
            if (r.nextBoolean()) {
                userChains.add("nat SVC");
                natPre.add("-A PREROUTING -j SVC");
                if (r.nextBoolean()) userRules.add("nat -A SVC -s 10.0.1.3/32 -j RETURN");
                userRules.add("nat -A SVC " + dnat);
            } else {
                natPre.add("-A PREROUTING " + dnat);
            }
        }
        if (markWhere == 3) natPre.add("-A PREROUTING " + mark);
        if (r.nextBoolean()) natPre.add("-A PREROUTING -p tcp -m tcp --dport 81 -j REDIRECT --to-ports 8080");
        if (r.nextBoolean()) natPre.add("-A PREROUTING -d 10.0.1.1/32 -p udp -m udp --dport 53 -j DNAT --to-destination 10.0.2.10:5353");

        switch (r.nextInt(6)) {
            case 0 -> {}
            case 1 -> natPost.add("-A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE");
            case 2 -> natPost.add("-A POSTROUTING -o eth1 -j MASQUERADE");
            case 3 -> natPost.add("-A POSTROUTING -s 10.0.1.0/24 -o eth1 -j SNAT --to-source " + (eth1second && r.nextBoolean() ? "10.0.3.1" : "10.0.2.1"));
            case 4 -> {
                // the port picked in the range is a run-time choice (a variable), the range's bounds included
                natPost.add("-A POSTROUTING -o eth1 -p tcp -j MASQUERADE --to-ports 20000-20099");
            }
            default -> {
                natPost.add("-A POSTROUTING -o eth1 -p tcp -m tcp --dport 8080 -j MASQUERADE");
                natPost.add("-A POSTROUTING -o eth1 -p udp -j MASQUERADE");
            }
        }

        boolean policyDrop = r.nextInt(4) == 0;
        if (policyDrop) {
            filterFwd.add("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
            if (r.nextBoolean()) filterFwd.add("-A FORWARD -p tcp -m tcp --dport 8080 -j ACCEPT");
            if (r.nextBoolean()) filterFwd.add("-A FORWARD -p udp -j ACCEPT");
        }
        if (r.nextInt(4) == 0) filterFwd.add(0, "-A FORWARD -s 10.0.1.3/32 -p tcp -j DROP");
        if (s2 && r.nextBoolean()) filterFwd.add(0, "-A FORWARD -d 10.0.2.11/32 -p tcp -j REJECT --reject-with tcp-reset");
        if (r.nextInt(4) == 0) filterFwd.add(0, "-A FORWARD -p udp -j REJECT --reject-with icmp-port-unreachable");
        if (markWhere != 0 && r.nextInt(3) == 0)
            filterFwd.add(0, "-A FORWARD -m mark --mark 0x4000/0x4000 -j REJECT --reject-with icmp-port-unreachable");
        if (r.nextInt(4) == 0) {
            userChains.add("filter FWD");
            filterFwd.add(0, "-A FORWARD -j FWD");
            userRules.add("filter -A FWD -p tcp -m tcp --dport 80 -j " + (r.nextBoolean() ? "DROP" : "REJECT --reject-with tcp-reset"));
            userRules.add("filter -A FWD -j RETURN");
        }
        if (r.nextInt(4) == 0) filterIn.add("-A INPUT -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset");

        StringBuilder t = new StringBuilder();
        if (!manglePre.isEmpty()) {
            t.append("*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
            manglePre.forEach(l -> t.append(l).append('\n'));
            t.append("COMMIT\n");
        }
        t.append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
        table(t, "nat", userChains, userRules, natPre, natPost);
        t.append("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ").append(policyDrop ? "DROP" : "ACCEPT").append(" [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        table(t, "filter", userChains, userRules, filterIn, filterFwd);
        return t.toString();
    }

    private static void table(StringBuilder t, String table, List<String> chains, List<String> rules, List<String> a, List<String> c) {
        for (String uc : chains) if (uc.startsWith(table + " ")) t.append(':').append(uc.substring(table.length() + 1)).append(" - [0:0]\n");
        a.forEach(l -> t.append(l).append('\n'));
        c.forEach(l -> t.append(l).append('\n'));
        for (String ur : rules) if (ur.startsWith(table + " ")) t.append(ur.substring(table.length() + 1)).append('\n');
        t.append("COMMIT\n");
    }
}
