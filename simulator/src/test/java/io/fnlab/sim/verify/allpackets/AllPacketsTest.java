package io.fnlab.sim.verify.allpackets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AllPacketsTest {
    private static Host node(String file) {
        Scenario s = ScenarioReader.read(Path.of("..", "scenarios", file));
        return s.hosts().stream().filter(h -> h.name().equals("node")).findFirst().orElseThrow();
    }

    /**
     * A director "node": clients behind a router on eth0 (default route), real servers on eth1,
     * the VIP 10.96.0.1 on a dummy device, one masq service tcp 10.96.0.1:80 -> 10.0.0.2:8080.
     */
    private static Scenario director(String ipsets, String filter, String mangle, String ipvs, String servers) {
        return director(ipsets, filter, mangle, "", ipvs, servers);
    }

    private static Scenario director(String ipsets, String filter, String mangle, String nat, String ipvs, String servers) {
        String yaml = """
                name: all-packets-case
                segments: [lan, back]
                hosts:
                  - name: node
                    role: director
                    interfaces:
                      - {name: eth0, segment: lan, addresses: [192.168.0.10/24]}
                      - {name: eth1, segment: back, addresses: [10.0.0.1/24]}
                      - {name: vip0, kind: dummy, addresses: [10.96.0.1/32, 10.96.0.5/32]}
                    routes:
                      - {to: default, via: 192.168.0.1}
                    sysctls:
                      net.ipv4.ip_forward: 1
                    config:
                """
                + (ipsets.isEmpty() ? "" : "      - kind: ipset-save\n        text: |\n" + indent(ipsets))
                + "      - kind: iptables-save\n        text: |\n" + indent("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
                        + ":OUTPUT ACCEPT [0:0]\n" + filter + "COMMIT\n*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
                        + ":FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n" + mangle + "COMMIT\n"
                        + (nat.isEmpty() ? "" : "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                                + ":POSTROUTING ACCEPT [0:0]\n" + nat + "COMMIT\n"))
                + "      - kind: ipvsadm-save\n        text: |\n" + indent(ipvs)
                + (servers.isEmpty() ? "" : "servers:\n" + servers);
        return ScenarioReader.parse(yaml, Path.of("all-packets-case.yaml"));
    }

    private static final String WEB = "-A -t 10.96.0.1:80 -s rr\n-a -t 10.96.0.1:80 -r 10.0.0.2:8080 -m -w 1\n";
    /** What KUBE-IPVS-FILTER does: a new connection to a service address on another port is rejected. */
    private static final String CLOSE_OTHER_PORTS = "-A INPUT -d 10.96.0.1/32 -p tcp -m tcp ! --dport 80 -j REJECT --reject-with icmp-port-unreachable\n"
            + "-A INPUT -d 10.96.0.1/32 -p udp -j REJECT --reject-with icmp-port-unreachable\n";

    private static AllPackets.Report verify(Scenario s) {
        return AllPackets.verify(s.hosts().get(0), s.servers());
    }

    private static List<AllPackets.Failure> errors(AllPackets.Report r, String property) {
        return r.failures().stream().filter(f -> f.error() && f.property().equals(property)).toList();
    }

    private static String show(AllPackets.Report r) {
        return r.failures().stream().map(f -> f.property() + " " + f.classes() + " " + f.outcome() + " " + f.witness() + " "
                + f.destinations()).collect(Collectors.joining("\n")) + "\nnotes: " + r.notes();
    }

    private static String indent(String s) {
        return s.lines().map(l -> "          " + l + "\n").collect(Collectors.joining());
    }

    @Test
    void kubeIpvsNodeHoldsForEveryClassIncludingHairpinsAndClosedPorts() {
        Host node = node("kube-ipvs-node.yaml");
        Scenario s = ScenarioReader.read(Path.of("..", "scenarios", "kube-ipvs-node.yaml"));
        AllPackets.Report r = AllPackets.verify(node, s.servers());
        assertTrue(r.holds(), () -> show(r));
        assertTrue(r.failures().isEmpty(), () -> show(r)); // KUBE-IPVS-FILTER rejects every other port: not even a warning
        // the node's own addresses (NodePorts on eth0 and cni0) are the host's: their other ports are not checked
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("192.168.0.10: other ports not checked")), r.notes()::toString);
        assertTrue(r.classes() > 20, "classes " + r.classes());
    }

    @Test
    void aSourcePrefixThatIsDroppedFailsWithAWitnessFromThatPrefixAndTheRule() {
        Scenario s = director("", "-A INPUT -s 172.16.0.0/12 -j DROP\n" + CLOSE_OTHER_PORTS, "", WEB, "");
        AllPackets.Report r = verify(s);
        List<AllPackets.Failure> f = errors(r, AllPackets.SERVICE_NOT_REACHED);
        assertEquals(1, f.size(), () -> show(r));
        AllPackets.Failure g = f.get(0);
        assertEquals(1, g.classes(), () -> show(r));
        assertTrue(Prefix.parse("172.16.0.0/12").contains(g.witness().src()), g.witness()::toString);
        assertEquals("eth0", g.witness().inDev()); // the default route faces those clients
        assertEquals(80, g.witness().dport());
        assertTrue(g.outcome().startsWith("dropped on the director"), g.outcome());
        assertNotNull(g.rule());
        assertTrue(g.rule().rule().contains("-s 172.16.0.0/12"), g.rule().rule());
        assertNotNull(g.trace());
        assertEquals(List.of("TCP 10.96.0.1:80"), g.destinations());
        assertEquals(1, r.failures().size(), () -> show(r)); // other ports are closed: no warning either
    }

    @Test
    void ipsetMembersThatAreExcludedFormTheirOwnClasses() {
        String sets = "create BLOCKED hash:net family inet hashsize 1024 maxelem 65536\nadd BLOCKED 203.0.113.0/24\n"
                + "create BADHOST hash:ip family inet hashsize 1024 maxelem 65536\nadd BADHOST 198.51.100.9\n";
        Scenario s = director(sets, "-A INPUT -m set --match-set BLOCKED src -j DROP\n"
                + "-A INPUT -m set --match-set BADHOST src -j REJECT --reject-with icmp-host-prohibited\n" + CLOSE_OTHER_PORTS, "", WEB, "");
        AllPackets.Report r = verify(s);
        List<AllPackets.Failure> f = errors(r, AllPackets.SERVICE_NOT_REACHED);
        assertEquals(2, f.size(), () -> show(r));
        AllPackets.Failure dropped = f.stream().filter(x -> x.outcome().startsWith("dropped")).findFirst().orElseThrow();
        assertTrue(Prefix.parse("203.0.113.0/24").contains(dropped.witness().src()), dropped.witness()::toString);
        AllPackets.Failure rejected = f.stream().filter(x -> x.outcome().contains("ICMP")).findFirst().orElseThrow();
        assertEquals(Ipv4.parse("198.51.100.9"), rejected.witness().src());
        assertTrue(rejected.outcome().contains("administratively prohibited"), rejected.outcome());
        assertTrue(rejected.rule().rule().contains("BADHOST"), rejected.rule().rule());
    }

    @Test
    void aLargeSourceSetIsOneTestNotOneClassPerMember() {
        StringBuilder sets = new StringBuilder("create DENY hash:net family inet hashsize 4096 maxelem 65536\n");
        for (int i = 0; i < 3000; i++) sets.append("add DENY 100.").append(64 + i / 250).append('.').append(i % 250).append(".0/24\n");
        Scenario s = director(sets.toString(), "-A INPUT -m set --match-set DENY src -j DROP\n" + CLOSE_OTHER_PORTS, "", WEB, "");
        AllPackets.Report r = verify(s);
        List<AllPackets.Failure> f = errors(r, AllPackets.SERVICE_NOT_REACHED);
        assertEquals(1, f.size(), () -> show(r));
        assertEquals(1, f.get(0).classes(), () -> show(r)); // the 3,000 members are one class: they pass the same tests
        assertTrue(Prefix.parse("100.64.0.0/10").contains(f.get(0).witness().src()), f.get(0).witness()::toString);
        assertTrue(r.classes() < 20, () -> "classes " + r.classes());
    }

    /**
     * The partition is sound on samples: random packets (source anywhere, any source port) to the
     * service fail only in ways the report names, and a report that holds means no sample fails.
     */
    @Test
    void randomPacketsFailOnlyInWaysTheReportNames() {
        String sets = "create DENY hash:net family inet hashsize 1024 maxelem 65536\nadd DENY 100.64.0.0/10\nadd DENY 10.0.0.128/25\n"
                + "create PAIRS hash:net,port family inet hashsize 1024 maxelem 65536\nadd PAIRS 198.18.0.0/15,tcp:5000\n";
        String filter = "-A INPUT -s 172.16.0.0/12 -j DROP\n"
                + "-A INPUT -m set --match-set DENY src -j REJECT --reject-with icmp-host-prohibited\n"
                + "-A INPUT -m set --match-set PAIRS src,src -j DROP\n"
                + "-A INPUT -p tcp -m tcp --sport 1:1023 -j REJECT --reject-with tcp-reset\n"
                + "-A INPUT -m iprange --src-range 192.0.2.10-192.0.2.20 -j DROP\n"
                + "-A INPUT -i eth1 -s 10.0.0.64/26 -j DROP\n" + CLOSE_OTHER_PORTS;
        Scenario s = director(sets, filter, "", WEB, "");
        AllPackets.Report r = verify(s);
        java.util.Set<String> named = r.failures().stream().filter(f -> f.property().equals(AllPackets.SERVICE_NOT_REACHED))
                .map(f -> f.property() + ": " + f.outcome()).collect(Collectors.toSet());
        assertFalse(named.isEmpty(), () -> show(r));
        // the --sport rule gives its own class, with a witness port below 1024
        assertTrue(r.failures().stream().anyMatch(f -> f.witness() != null && f.witness().sport() < 1024), () -> show(r));
        assertTrue(r.failures().stream().anyMatch(f -> f.witness() != null && f.witness().src().equals(Ipv4.parse("198.18.0.1"))
                && f.witness().sport() == 5000), () -> show(r)); // a PAIRS member: its address with its port
        AllPackets.Probe probe = new AllPackets.Probe(s.hosts().get(0), s.servers());
        var vs = s.hosts().get(0).config().ipvs().services().get(0);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        int[] interesting = {Ipv4.parse("172.16.0.0").bits(), Ipv4.parse("100.64.0.0").bits(), Ipv4.parse("10.0.0.0").bits(),
                Ipv4.parse("192.0.2.0").bits(), Ipv4.parse("198.18.0.0").bits(), Ipv4.parse("192.168.0.0").bits()};
        int failed = 0;
        for (int i = 0; i < 4000; i++) {
            int src = rnd.nextInt(3) == 0 ? rnd.nextInt() : interesting[rnd.nextInt(interesting.length)] + rnd.nextInt(1 << 12);
            int sport = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(1023) : rnd.nextInt(8) == 0 ? 5000 : 1024 + rnd.nextInt(64_000);
            String out = probe.service(vs, src, sport);
            if (out == null) continue;
            failed++;
            String what = new Ipv4(src) + ":" + sport + " " + out;
            assertTrue(named.contains(out), () -> what + " is not among the report's failures:\n" + show(r));
        }
        assertTrue(failed > 100, "the samples hit the failing classes: " + failed);
    }

    @Test
    void anInterfaceSpecificRuleFailsOnlyTheClassesArrivingThere() {
        Scenario s = director("", "-A INPUT -i eth1 -p tcp -m tcp --dport 80 -j DROP\n" + CLOSE_OTHER_PORTS, "", WEB, "");
        AllPackets.Report r = verify(s);
        List<AllPackets.Failure> f = errors(r, AllPackets.SERVICE_NOT_REACHED);
        assertEquals(1, f.size(), () -> show(r));
        assertEquals("eth1", f.get(0).witness().inDev());
        assertTrue(Prefix.parse("10.0.0.0/24").contains(f.get(0).witness().src()), f.get(0).witness()::toString);
        assertTrue(r.classes() >= 2, () -> show(r));
    }

    @Test
    void aVipPortThatIsNoServiceMustNotReachASocket() {
        // no filter: 10.96.0.1:22 reaches the director's sshd (kubernetes#72236)
        Scenario open = director("", "", "", WEB, "  - {host: node, proto: tcp, port: 22, response: \"SSH-2.0\"}\n");
        AllPackets.Report r = verify(open);
        assertFalse(r.holds(), () -> show(r));
        List<AllPackets.Failure> f = errors(r, AllPackets.NON_SERVICE_PORT_DELIVERED);
        assertEquals(1, f.size(), () -> show(r));
        assertEquals(22, f.get(0).witness().dport());
        assertEquals(Ipv4.parse("10.96.0.1"), f.get(0).witness().dst());
        // the other ports reach the stack where nothing listens: a warning, TCP and UDP
        List<AllPackets.Failure> w = r.failures().stream().filter(x -> x.property().equals(AllPackets.NON_SERVICE_PORT_OPEN)).toList();
        assertEquals(1, w.size(), () -> show(r));
        assertFalse(w.get(0).error());
        assertTrue(w.get(0).destinations().stream().anyMatch(d -> d.startsWith("udp 10.96.0.1:")), () -> show(r));
        assertTrue(errors(r, AllPackets.SERVICE_NOT_REACHED).isEmpty(), () -> show(r));

        // with the filter every other port is rejected, and the verdict holds
        Scenario closed = director("", CLOSE_OTHER_PORTS, "", WEB, "  - {host: node, proto: tcp, port: 22, response: \"SSH-2.0\"}\n");
        AllPackets.Report ok = verify(closed);
        assertTrue(ok.holds(), () -> show(ok));
        assertTrue(ok.failures().isEmpty(), () -> show(ok));
    }

    @Test
    void anotherProtocolToAVipMustNotBeForwarded() {
        // a DNAT of everything ICMP sent to the VIP: echo requests leave towards 10.0.0.9
        Scenario s = director("", CLOSE_OTHER_PORTS, "", "-A PREROUTING -d 10.96.0.1/32 -p icmp -j DNAT --to-destination 10.0.0.9\n",
                WEB, "");
        AllPackets.Report r = verify(s);
        List<AllPackets.Failure> f = errors(r, AllPackets.NON_SERVICE_PORT_FORWARDED);
        assertEquals(1, f.size(), () -> show(r));
        assertEquals("icmp", f.get(0).witness().protocol());
        assertTrue(f.get(0).witnessOutcome().startsWith("forwarded to 10.0.0.9 on eth1"), f.get(0).witnessOutcome());
        assertTrue(f.get(0).witness().toString().startsWith("icmp echo-request "), f.get(0).witness().toString());
        assertTrue(errors(r, AllPackets.SERVICE_NOT_REACHED).isEmpty(), () -> show(r));
        // without the DNAT the director answers the echo itself: that is allowed
        assertTrue(verify(director("", CLOSE_OTHER_PORTS, "", WEB, "")).failures().isEmpty());
    }

    @Test
    void aFwmarkServiceIsReachedThroughTheRuleThatSetsItsMark() {
        String ipvs = "-A -f 7 -s rr\n-a -f 7 -r 10.0.0.2:0 -m -w 1\n";
        Scenario s = director("", "", "-A PREROUTING -s 192.168.0.0/16 -d 10.96.0.5/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x7/0xffffffff\n",
                ipvs, "");
        AllPackets.Report r = verify(s);
        List<AllPackets.Failure> f = errors(r, AllPackets.SERVICE_NOT_REACHED);
        // sources outside 192.168.0.0/16 are not marked: IPVS has no service for them
        assertEquals(1, f.size(), () -> show(r));
        assertFalse(Prefix.parse("192.168.0.0/16").contains(f.get(0).witness().src()), f.get(0).witness()::toString);
        assertEquals(443, f.get(0).witness().dport());
        assertEquals(Ipv4.parse("10.96.0.5"), f.get(0).witness().dst());
        assertTrue(f.get(0).destinations().get(0).startsWith("FWM 7"), f.get(0).destinations()::toString);

        Scenario unset = director("", "", "", "-A -f 9 -s rr\n-a -f 9 -r 10.0.0.2:0 -m -w 1\n", "");
        AllPackets.Report u = verify(unset);
        assertEquals(1, errors(u, AllPackets.FWMARK_NEVER_SET).size(), () -> show(u));
    }
}
