package io.fnlab.sim.verify;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each lint check on a small scenario where it must fire, and where it must stay quiet. */
class LintTest {
    /** A director (eth0 10.0.0.1/24 front, eth1 10.0.1.1/24 back) and a real server; config appended. */
    static Scenario scenario(String directorScript, String rsExtra, boolean rsOnBack) {
        String yaml = """
                name: lint
                expect: {verdict: holds}
                segments: [front, back, other]
                hosts:
                  - name: client
                    interfaces:
                      - {name: eth0, segment: front, addresses: [10.0.0.100/24]}
                    routes:
                      - {to: default, via: 10.0.0.1}
                  - name: director
                    interfaces:
                      - {name: eth0, segment: front, addresses: [10.0.0.1/24]}
                      - {name: eth1, segment: back, addresses: [10.0.1.1/24]}
                    config:
                      - kind: script
                        text: |
                %s
                  - name: rs
                    interfaces:
                      - {name: eth0, segment: %s, addresses: [10.0.1.2/24]}
                %s
                traffic:
                  - {id: f, from: client, to: 10.0.0.10:80}
                """.formatted(indent(directorScript, 10), rsOnBack ? "back" : "other", rsExtra);
        return ScenarioReader.parse(yaml, Path.of("lint.yaml"));
    }

    static String indent(String s, int n) {
        String pad = " ".repeat(n);
        return String.join("\n", s.lines().map(l -> pad + l).toList());
    }

    static List<Finding> of(String check, Scenario s) {
        return Lint.run(s).stream().filter(f -> f.check().equals(check)).toList();
    }

    @Test
    void drNeedsASharedSegmentTheVipOnTheRealServerAndTheSamePort() {
        String script = "ip addr add 10.0.0.10/32 dev eth0\nipvsadm -A -t 10.0.0.10:80 -s rr\nipvsadm -a -t 10.0.0.10:80 -r 10.0.1.2:8080 -g";
        List<Finding> f = of("ipvs-mode", scenario(script, "", false));
        assertTrue(f.stream().anyMatch(x -> x.verdict().contains("share no L2 segment")), f.toString());
        // ipvsadm itself sets a DR real server's port to the service's (ipvsadm.c), so no port finding
        assertTrue(f.stream().anyMatch(x -> x.verdict().contains("10.0.1.2:80 (Route)")), f.toString());
        assertTrue(f.stream().anyMatch(x -> x.verdict().contains("is not configured on the real server")), f.toString());

        String good = "ip addr add 10.0.0.10/32 dev eth0\nipvsadm -A -t 10.0.0.10:80 -s rr\nipvsadm -a -t 10.0.0.10:80 -r 10.0.1.2:80 -g";
        String rs = """
                    sysctls:
                      net.ipv4.conf.all.arp_ignore: 1
                      net.ipv4.conf.all.arp_announce: 2
                    config:
                      - kind: script
                        text: |
                          ip addr add 10.0.0.10/32 dev lo
                """;
        assertEquals(List.of(), of("ipvs-mode", scenario(good, rs, true)));
        String noArp = rs.replace("arp_ignore: 1", "arp_ignore: 0");
        List<Finding> w = of("ipvs-mode", scenario(good, noArp, true));
        assertEquals(1, w.size(), w.toString());
        assertEquals(Severity.WARNING, w.get(0).severity());
        assertTrue(w.get(0).cause().contains("arp_ignore=0"));
    }

    @Test
    void natWithoutSnatNeedsTheWayBackThroughTheDirector() {
        String script = "ip addr add 10.0.0.10/32 dev eth0\nipvsadm -A -t 10.0.0.10:80 -s rr\nipvsadm -a -t 10.0.0.10:80 -r 10.0.1.2:80 -m\nsysctl -w net.ipv4.ip_forward=1";
        String viaOther = """
                    routes:
                      - {to: default, via: 10.0.1.254}
                """;
        List<Finding> f = of("ipvs-mode", scenario(script, viaOther, true));
        assertEquals(1, f.size(), f.toString());
        assertEquals("reply-bypasses-director", f.get(0).kind());
        assertEquals("10.0.0.100", f.get(0).subject());
        String viaDirector = viaOther.replace("10.0.1.254", "10.0.1.1");
        assertEquals(List.of(), of("ipvs-mode", scenario(script, viaDirector, true)));
        // with SNAT for IPVS traffic and vs/conntrack=1 the real server needs no route back
        String fullnat = script + "\nsysctl -w net.ipv4.vs.conntrack=1\niptables -t nat -A POSTROUTING -m ipvs --vaddr 10.0.0.10 --vport 80 -j MASQUERADE";
        assertEquals(List.of(), of("ipvs-mode", scenario(fullnat, viaOther, true)));
    }

    @Test
    void masqueradeForIpvsWithVsConntrackZeroAndForwardingOff() {
        String script = "ipvsadm -A -t 10.0.0.10:80 -s rr\nipvsadm -a -t 10.0.0.10:80 -r 10.0.1.2:80 -m\n"
                + "iptables -t nat -A POSTROUTING -m ipvs --vaddr 10.0.0.10 --vport 80 -j MASQUERADE";
        List<Finding> f = of("ipvs-sysctls", scenario(script, "", true));
        assertTrue(f.stream().anyMatch(x -> "net.ipv4.vs.conntrack=0".equals(x.subject())), f.toString());
        assertTrue(f.stream().anyMatch(x -> "net.ipv4.ip_forward=0".equals(x.subject())), f.toString());
        String fixed = script + "\nsysctl -w net.ipv4.vs.conntrack=1\nsysctl -w net.ipv4.ip_forward=1";
        assertEquals(List.of(), of("ipvs-sysctls", scenario(fixed, "", true)));
    }

    @Test
    void marksMatchedButNeverSetBySomethingThatRuns() {
        // kube-proxy's KUBE-POSTROUTING with nothing that sets 0x4000: the negated RETURN always fires
        String script = """
                iptables -t nat -N KUBE-POSTROUTING
                iptables -t nat -A POSTROUTING -j KUBE-POSTROUTING
                iptables -t nat -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
                iptables -t nat -A KUBE-POSTROUTING -j MASQUERADE
                iptables -t filter -A FORWARD -m mark --mark 0x8000/0x8000 -j DROP""";
        List<Finding> f = of("mark-flow", scenario(script, "", true));
        Finding masq = f.stream().filter(x -> x.subject() != null && x.subject().equals("0x4000")).findFirst().orElseThrow();
        assertEquals(Severity.ERROR, masq.severity());
        assertTrue(masq.cause().contains("always true"), masq.cause());
        Finding drop = f.stream().filter(x -> "0x8000".equals(x.subject())).findFirst().orElseThrow();
        assertEquals(Severity.WARNING, drop.severity(), "a DROP that never fires is a hole, not an outage");

        String withSetter = script + "\niptables -t nat -N KUBE-MARK-MASQ\niptables -t nat -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n"
                + "iptables -t nat -A PREROUTING -d 10.0.0.10 -j KUBE-MARK-MASQ";
        assertTrue(of("mark-flow", scenario(withSetter, "", true)).stream().noneMatch(x -> "0x4000".equals(x.subject())));
    }

    @Test
    void deadRulesAndUnreachableChains() {
        String script = """
                iptables -t nat -A PREROUTING -d 10.0.0.10/32 -p tcp --dport 80 -j DNAT --to-destination 10.0.1.2:80
                iptables -t nat -A PREROUTING -d 10.0.0.10/32 -p tcp --dport 80 -j MARK --set-mark 0x1
                iptables -t filter -A INPUT -j ACCEPT
                iptables -t filter -A INPUT -p tcp -j DROP
                iptables -t filter -N ORPHAN
                iptables -t filter -A ORPHAN -j DROP""";
        List<Finding> f = of("chain-structure", scenario(script, "", true));
        assertTrue(f.stream().anyMatch(x -> x.verdict().startsWith("rule 2 of nat/PREROUTING") && x.cause().contains("NAT targets are terminal")), f.toString());
        assertTrue(f.stream().anyMatch(x -> x.verdict().startsWith("rule 2 of filter/INPUT") && x.cause().contains("matches every packet")), f.toString());
        assertTrue(f.stream().anyMatch(x -> x.verdict().contains("filter/ORPHAN never sees a packet")), f.toString());
    }

    @Test
    void missingChainsAreNamedWithASuggestion() {
        String script = """
                iptables -t nat -N KUBE-SERVICES
                iptables -t nat -A PREROUTING -j KUBE-SERVICES
                iptables -t nat -I KUE-SERVICES -j RETURN
                iptables -t nat -A PREROUTING -j NOPE_CHAIN""";
        List<Finding> f = of("command-failed", scenario(script, "", true));
        assertEquals(2, f.size(), f.toString());
        assertEquals("KUE-SERVICES", f.get(0).subject());
        assertTrue(f.get(0).fix().contains("did you mean KUBE-SERVICES?"), f.get(0).fix());
        assertEquals("NOPE_CHAIN", f.get(1).subject());
        assertEquals("lint.yaml", f.get(0).evidence().get(0) instanceof Evidence.Config c ? c.source().file() : null);
    }

    @Test
    void ipsetsMissingOrEmpty() {
        String script = """
                ipset create EMPTY hash:ip,port
                iptables -t nat -A PREROUTING -m set --match-set EMPTY dst,dst -j RETURN
                iptables -t nat -A PREROUTING -m set --match-set GHOST dst -j RETURN""";
        List<Finding> f = of("ipset-use", scenario(script, "", true));
        assertTrue(f.stream().anyMatch(x -> x.severity() == Severity.WARNING && x.verdict().contains("EMPTY is empty")), f.toString());
        assertTrue(f.stream().anyMatch(x -> x.severity() == Severity.ERROR && x.verdict().contains("GHOST")), f.toString());
    }
}
