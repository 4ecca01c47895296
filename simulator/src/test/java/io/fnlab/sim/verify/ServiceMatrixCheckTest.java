package io.fnlab.sim.verify;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service matrix on small scenarios: what holds, and each way it breaks, with the verdict,
 * the cause's kind and subject, and the witness's trace.
 */
class ServiceMatrixCheckTest {
    static final String FULLNAT = """
            ipvsadm -A -t 10.0.0.1:80 -s rr
            ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:8080 -m
            ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3:8080 -m
            iptables -t nat -A POSTROUTING -m ipvs --vaddr 10.0.0.1 --vport 80 -j MASQUERADE""";

    /**
     * Clients c1 (10.0.0.100) and c2 (10.0.0.101) on front, a director (10.0.0.1 front, 10.0.1.1
     * back) and real servers rs1 10.0.1.2, rs2 10.0.1.3 on back; rsRoutes is appended to each
     * real server (empty: only their connected route, so replies reach the clients only when the
     * director SNATs them). No servers: the matrix assumes the listeners.
     */
    static Scenario scenario(String directorScript, int vsConntrack, String rsRoutes, String tail) {
        String yaml = """
                name: matrix
                expect: {verdict: holds}
                segments: [front, back]
                hosts:
                  - name: c1
                    role: client
                    interfaces:
                      - {name: eth0, segment: front, addresses: [10.0.0.100/24]}
                  - name: c2
                    role: client
                    interfaces:
                      - {name: eth0, segment: front, addresses: [10.0.0.101/24]}
                  - name: director
                    role: director
                    interfaces:
                      - {name: eth0, segment: front, addresses: [10.0.0.1/24]}
                      - {name: eth1, segment: back, addresses: [10.0.1.1/24]}
                    sysctls:
                      net.ipv4.ip_forward: 1
                      net.ipv4.vs.conntrack: %d
                    config:
                      - kind: script
                        text: |
                %s
                  - name: rs1
                    role: real-server
                    interfaces:
                      - {name: eth0, segment: back, addresses: [10.0.1.2/24]}
                %s
                  - name: rs2
                    role: real-server
                    interfaces:
                      - {name: eth0, segment: back, addresses: [10.0.1.3/24]}
                %s
                %s
                """.formatted(vsConntrack, LintTest.indent(directorScript, 10), rsRoutes, rsRoutes, tail);
        return ScenarioReader.parse(yaml, Path.of("matrix.yaml"));
    }

    static final String VIA_DIRECTOR = "    routes:\n      - {to: default, via: 10.0.1.1}";

    static List<Finding> errors(ServiceMatrixCheck.Result r) {
        return r.findings().stream().filter(f -> f.severity() == Severity.ERROR).toList();
    }

    static boolean hasTrace(Finding f) {
        return f.evidence().stream().anyMatch(e -> e instanceof Evidence.PacketTrace t && !t.trace().hops().isEmpty());
    }

    @Test
    void fullnatHoldsForEveryClientAndRealServerWithAssumedListeners() {
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(FULLNAT, 1, "", ""), 1);
        assertEquals(List.of(), errors(r), r.toString());
        assertEquals(1, r.findings().size(), r.toString());
        assertEquals("ran 2 client x service pair(s) (2 client(s) x 1 service(s)), 4 connection(s)", r.findings().get(0).verdict());
        assertEquals(Severity.INFO, r.findings().get(0).severity());
        assertEquals(2, r.pairs());
        assertEquals(4, r.connections(), "two connections per client, one per real server");
        assertTrue(r.notModelled().stream().anyMatch(n -> n.startsWith("rs1: no server of the scenario listens on tcp port 8080")
                && n.contains("assumed")), r.notModelled().toString());
        VerifyReport v = Verifier.verify(scenario(FULLNAT, 1, "", ""), 1);
        assertTrue(v.checksRun().contains(ServiceMatrixCheck.ID));
        assertTrue(v.holds(), ReportWriter.text(v));
    }

    @Test
    void aMasqueradeThatMatchesNothingLetsTheRealServerSeeTheClient() {
        // --vport 81: the rule never matches; the real servers route via the director, so
        // connections still work (plain NAT), but the operator's fullnat intent does not hold.
        String script = FULLNAT.replace("--vport 80", "--vport 81");
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(script, 1, VIA_DIRECTOR, ""), 1);
        List<Finding> e = errors(r);
        assertEquals(2, e.size(), e.toString()); // one per client
        Finding f = e.get(0);
        assertEquals(ServiceMatrixCheck.ID, f.check());
        assertEquals("director", f.host());
        assertTrue(f.verdict().startsWith("c1 -> TCP 10.0.0.1:80 on director (fullnat): the real server saw 10.0.0.100 as source"),
                f.verdict());
        assertTrue(f.verdict().contains("[2 connections to 1 service(s) fail this way"), f.verdict());
        assertEquals("snat-not-applied", f.kind());
        assertEquals("director", f.subject());
        assertTrue(f.cause().contains("no MASQUERADE or SNAT rule applied"), f.cause());
        assertTrue(hasTrace(f));
        assertTrue(f.evidence().stream().anyMatch(x -> x instanceof Evidence.Config c && c.text().contains("--vport 81")
                && c.source() != null && c.source().line() > 0), f.evidence().toString());
        assertTrue(f.fix().contains("-j MASQUERADE"), f.fix());
    }

    @Test
    void plainNatWithoutSnatIntentIsNotAskedForADirectorSource() {
        String nat = FULLNAT.lines().filter(l -> !l.contains("MASQUERADE")).reduce((a, b) -> a + "\n" + b).orElseThrow();
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(nat, 1, VIA_DIRECTOR, ""), 1);
        assertEquals(List.of(), errors(r), r.toString());
    }

    @Test
    void vsConntrackZeroNamesTheSysctlNotJustTheStrayReply() {
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(FULLNAT, 0, "", ""), 1);
        List<Finding> e = errors(r);
        assertEquals(2, e.size(), e.toString());
        Finding f = e.get(0);
        // rs1 has no route to the client at all, so its SYN-ACK never leaves: a plain timeout
        assertTrue(f.verdict().startsWith("c1 does not reach TCP 10.0.0.1:80 on director: timeout"), f.verdict());
        assertEquals("sysctl", f.kind());
        assertEquals("net.ipv4.vs.conntrack=0", f.subject());
        assertTrue(f.cause().contains("ip_vs_notrack") && f.cause().contains("sees the client's address"), f.cause());
        assertTrue(f.fix().contains("net.ipv4.vs.conntrack=1"), f.fix());
        assertTrue(hasTrace(f));
        // With the way back through the director the connections work, and the source is still the client's.
        List<Finding> e2 = errors(ServiceMatrixCheck.run(scenario(FULLNAT, 0, VIA_DIRECTOR, ""), 1));
        assertEquals(2, e2.size(), e2.toString());
        assertTrue(e2.get(0).verdict().contains("saw 10.0.0.100 as source"), e2.get(0).verdict());
        assertEquals("net.ipv4.vs.conntrack=0", e2.get(0).subject());
    }

    @Test
    void aFirewallDroppingOneClientIsReportedUnlessTheScenarioExpectsIt() {
        String script = FULLNAT + "\niptables -A INPUT -s 10.0.0.101 -p tcp --dport 80 -j DROP";
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(script, 1, "", ""), 1);
        List<Finding> e = errors(r);
        assertEquals(1, e.size(), e.toString());
        Finding f = e.get(0);
        assertTrue(f.verdict().startsWith("c2 does not reach TCP 10.0.0.1:80 on director: timeout"), f.verdict());
        assertEquals("rule-drop", f.kind());
        assertEquals("INPUT", f.subject());
        assertTrue(f.cause().contains("rule 1 of filter/INPUT") && f.cause().contains("matrix.yaml:"), f.cause());
        assertTrue(hasTrace(f));

        String intent = """
                traffic:
                  - {id: blocked, from: c2, to: 10.0.0.1:80, request: "GET /"}
                expectations:
                  - {flow: blocked, outcome: timeout}
                """;
        ServiceMatrixCheck.Result r2 = ServiceMatrixCheck.run(scenario(script, 1, "", intent), 1);
        assertEquals(List.of(), errors(r2), r2.toString());
        assertEquals(1, r2.pairs(), "c2's pair is not run");
        assertTrue(r2.findings().stream().anyMatch(x -> x.severity() == Severity.INFO && x.verdict().equals("ran 1 client x service "
                + "pair(s) (2 client(s) x 1 service(s)), 2 connection(s); 1 pair(s) not run: the scenario's expectations say "
                + "they must not be established (first: c2 -> TCP 10.0.0.1:80)")), r2.findings().toString());
    }

    @Test
    void aDroppedFinBreaksTheCloseButNotTheExchange() {
        String script = FULLNAT + "\niptables -A FORWARD -p tcp --tcp-flags FIN FIN -j DROP";
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(script, 1, "", ""), 1);
        List<Finding> e = errors(r);
        assertEquals(2, e.size(), e.toString());
        Finding f = e.get(0);
        assertTrue(f.verdict().startsWith("c1 -> TCP 10.0.0.1:80 on director: the connection is established but does not close"),
                f.verdict());
        assertEquals("rule-drop", f.kind());
        assertEquals("FORWARD", f.subject());
        assertTrue(f.cause().contains("[F."), f.cause());
        assertTrue(hasTrace(f));
    }

    @Test
    void udpServicesAreRunAndTheirDropsNamed() {
        String udp = """
                ipvsadm -A -u 10.0.0.1:53 -s rr
                ipvsadm -a -u 10.0.0.1:53 -r 10.0.1.2:53 -m
                iptables -t nat -A POSTROUTING -m ipvs --vaddr 10.0.0.1 --vport 53 -j MASQUERADE""";
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(udp, 1, "", ""), 1);
        assertEquals(List.of(), errors(r), r.toString());
        assertEquals(2, r.connections());
        assertTrue(r.notModelled().stream().anyMatch(n -> n.startsWith("rs1: no server of the scenario listens on udp port 53")),
                r.notModelled().toString());

        ServiceMatrixCheck.Result bad = ServiceMatrixCheck.run(scenario(udp + "\niptables -A FORWARD -p udp --sport 53 -j DROP", 1, "",
                ""), 1);
        List<Finding> e = errors(bad);
        assertEquals(2, e.size(), e.toString());
        assertTrue(e.get(0).verdict().startsWith("c1 does not reach UDP 10.0.0.1:53 on director: timeout"), e.get(0).verdict());
        assertEquals("rule-drop", e.get(0).kind());
        assertEquals("FORWARD", e.get(0).subject());
    }

    @Test
    void oneBrokenRuleOverManyServicesIsOneFindingPerClient() {
        StringBuilder b = new StringBuilder();
        for (int port = 8000; port < 8040; port++) {
            b.append("ipvsadm -A -t 10.0.0.1:").append(port).append(" -s rr\n");
            b.append("ipvsadm -a -t 10.0.0.1:").append(port).append(" -r 10.0.1.2:").append(port).append(" -m\n");
        }
        b.append("iptables -t nat -A POSTROUTING -m ipvs --vaddr 10.0.0.1 -j MASQUERADE\niptables -P FORWARD DROP");
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(b.toString(), 1, "", ""), 1);
        List<Finding> e = errors(r);
        assertEquals(2, e.size(), e.toString());
        assertEquals(80, r.connections());
        assertTrue(e.get(0).verdict().contains("[40 connections to 40 service(s) fail this way; first shown]"), e.get(0).verdict());
        assertEquals("forward-policy-drop", e.get(0).kind());
        assertEquals("FORWARD", e.get(0).subject());
    }

    @Test
    void fwmarkServicesAreSaidToBeNotModelled() {
        String script = "ipvsadm -A -f 1 -s rr\nipvsadm -a -f 1 -r 10.0.1.2:0 -m";
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(script, 1, "", ""), 1);
        assertEquals(0, r.pairs());
        assertTrue(r.notModelled().stream().anyMatch(n -> n.contains("FWM 1") && n.contains("not modelled by the service matrix")),
                r.notModelled().toString());
    }

    @Test
    void realServersOutsideTheTopologyAreReportedAndLeftOut() {
        String script = FULLNAT + "\nipvsadm -a -t 10.0.0.1:80 -r 10.0.1.99:8080 -m";
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(script, 1, "", ""), 1);
        assertEquals(List.of(), errors(r), r.toString());
        Finding w = r.findings().stream().filter(f -> f.severity() == Severity.WARNING).findFirst().orElseThrow();
        assertEquals("real-server-not-in-topology", w.kind());
        assertEquals("10.0.1.99:8080", w.subject());
        assertTrue(w.verdict().contains("not hosts of the scenario"), w.verdict());
    }

    @Test
    void seed000PublishedNamesVsConntrackAsTheCause() throws Exception {
        Scenario s = ScenarioReader.read(Paths.get("../scenarios/seed000-published.yaml"));
        List<Finding> e = errors(ServiceMatrixCheck.run(s, 1));
        assertEquals(1, e.size(), e.toString());
        Finding f = e.get(0);
        assertTrue(f.verdict().startsWith("client does not reach TCP 10.1.1.1:80 on director"), f.verdict());
        assertEquals("sysctl", f.kind());
        assertEquals("net.ipv4.vs.conntrack=0", f.subject());
        assertTrue(f.cause().contains("192.168.1.2:8181"), f.cause());
        assertTrue(hasTrace(f));
        assertTrue(f.evidence().stream().anyMatch(x -> x instanceof Evidence.Config c && c.text().contains("KUBE-POSTROUTING")
                && c.text().contains("MASQUERADE")), f.evidence().toString());
    }

    @Test
    void flowResultSaysWhetherTheCloseCompleted() {
        Scenario s = scenario(FULLNAT, 1, "", """
                servers:
                  - {host: rs1, proto: tcp, port: 8080, response: "rs1"}
                  - {host: rs2, proto: tcp, port: 8080, response: "rs2"}
                traffic:
                  - {id: t, from: c1, to: 10.0.0.1:80, request: "GET /"}
                """);
        Traffic.Flow t = (Traffic.Flow) s.traffic().get(0);
        FlowResult ok = Network.of(s, 1).run(List.of(t)).get(0);
        assertTrue(ok.closed(), ok.toString());
        Traffic.Flow noClose = new Traffic.Flow("n", "c1", t.protocol(), t.to(), null, "GET /", false, 1, 0, null);
        assertFalse(Network.of(s, 1).run(List.of(noClose)).get(0).closed());
        Scenario fin = scenario(FULLNAT + "\niptables -A FORWARD -p tcp --tcp-flags FIN FIN -j DROP", 1, "", """
                servers:
                  - {host: rs1, proto: tcp, port: 8080, response: "rs1"}
                  - {host: rs2, proto: tcp, port: 8080, response: "rs2"}
                traffic:
                  - {id: t, from: c1, to: 10.0.0.1:80, request: "GET /"}
                """);
        FlowResult broken = Network.of(fin, 1).run(List.of(t)).get(0);
        assertEquals(io.fnlab.model.scenario.Outcome.ESTABLISHED, broken.outcome());
        assertFalse(broken.closed());
    }

    @Test
    void verifyReportsTheMatrixInTextJsonAndJunit() throws Exception {
        VerifyReport v = Verifier.verify(scenario(FULLNAT + "\niptables -A INPUT -s 10.0.0.101 -p tcp --dport 80 -j DROP", 1, "",
                ""), 1);
        assertFalse(v.holds());
        String text = ReportWriter.text(v);
        assertTrue(text.contains("ERROR [service-matrix] director: c2 does not reach TCP 10.0.0.1:80 on director: timeout"), text);
        assertTrue(text.contains("trace of matrix-2#1"), text);
        assertTrue(text.contains("the service matrix assumed one"), text);

        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ReportWriter.json(v));
        assertTrue(json.get("checks").toString().contains("\"service-matrix\""));
        var f = java.util.stream.StreamSupport.stream(json.get("findings").spliterator(), false)
                .filter(x -> x.get("check").asText().equals("service-matrix") && x.get("severity").asText().equals("ERROR"))
                .findFirst().orElseThrow();
        assertEquals("rule-drop", f.get("kind").asText());
        assertEquals("INPUT", f.get("subject").asText());
        assertEquals("trace", f.get("evidence").get(0).get("type").asText());
        assertTrue(f.get("evidence").get(0).get("trace").get("hops").size() > 0);

        String junit = ReportWriter.junit(v);
        assertTrue(junit.matches("(?s).*<testcase classname=\"fnlab.matrix\" name=\"service-matrix\" time=\"0\">\\s*<failure .*"),
                junit);
    }

    @Test
    void aClientWithoutARouteToAServiceIsOneInfoPerClient() throws Exception {
        // seed001-kube-clusterip: the outside client has no route to the ClusterIP nor to the NodePort
        // on the pod network's address; the client pod reaches all three services.
        Scenario s = ScenarioReader.read(Paths.get("../scenarios/seed001-kube-clusterip.yaml"));
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(s, 1);
        assertEquals(List.of(), errors(r), r.toString());
        assertEquals(6, r.pairs());
        List<Finding> info = r.findings().stream().filter(f -> "client-no-route".equals(f.kind())).toList();
        assertEquals(1, info.size(), info.toString());
        assertEquals(Severity.INFO, info.get(0).severity());
        assertEquals("client", info.get(0).subject());
        assertTrue(info.get(0).verdict().startsWith("client has no route to 2 virtual service(s) (first: TCP 10.108.113.237:80 on node)"),
                info.get(0).verdict());
    }

    @Test
    void aDnatRuleInFrontOfIpvsIsAnswerNotFromARealServer() {
        // nat PREROUTING DNATs the VIP to rs2, which is no real server of the service: IPVS never
        // sees the connection, and the de-DNAT makes the answer come from VIP:vport all the same.
        String script = """
                ipvsadm -A -t 10.0.0.1:80 -s rr
                ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:8080 -m
                iptables -t nat -A PREROUTING -d 10.0.0.1 -p tcp --dport 80 -j DNAT --to-destination 10.0.1.3:8080""";
        ServiceMatrixCheck.Result r = ServiceMatrixCheck.run(scenario(script, 1, VIA_DIRECTOR, """
                servers:
                  - {host: rs1, proto: tcp, port: 8080, response: "rs1"}
                  - {host: rs2, proto: tcp, port: 8080, response: "rs2"}
                """), 1);
        List<Finding> e = errors(r);
        assertEquals(2, e.size(), e.toString());
        Finding f = e.get(0);
        assertEquals("c1 -> TCP 10.0.0.1:80 on director: answered by rs2, which is not a real server of the service", f.verdict());
        assertEquals("served-by-non-real-server", f.kind());
        assertEquals("rs2", f.subject());
        assertTrue(hasTrace(f));
    }

    @Test
    void drToARealServerOffTheDirectorsSegmentIsALoop() throws Exception {
        Scenario s = ScenarioReader.read(Paths.get("../scenarios/modes-dr-no-shared-segment.yaml"));
        List<Finding> e = errors(ServiceMatrixCheck.run(s, 1));
        assertEquals(1, e.size(), e.toString());
        assertEquals("routing-loop", e.get(0).kind());
        assertEquals("router", e.get(0).subject());
        assertTrue(e.get(0).cause().contains("TTL expired"), e.get(0).cause());
        assertTrue(e.get(0).fix().contains("segment of the director"), e.get(0).fix());
    }
}
