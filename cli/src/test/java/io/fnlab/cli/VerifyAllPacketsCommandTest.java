package io.fnlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.TestSuiteXmlParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `fnlab verify --all-packets`: exit codes, and the failing classes in text, JSON and JUnit. */
class VerifyAllPacketsCommandTest {
    @BeforeAll
    static void home() {
        System.setProperty("fnlab.home", "..");
    }

    /** A director that drops one client prefix before IPVS sees it; its flow comes from elsewhere, so plain verify holds. */
    private static Path dropsAPrefix(Path dir) throws Exception {
        Path f = dir.resolve("drops-a-prefix.yaml");
        Files.writeString(f, """
                name: drops-a-prefix
                segments: [lan, back]
                hosts:
                  - name: client
                    interfaces:
                      - {name: eth0, segment: lan, addresses: [192.168.0.100/24]}
                    routes:
                      - {to: 10.96.0.0/12, via: 192.168.0.10}
                  - name: node
                    role: director
                    interfaces:
                      - {name: eth0, segment: lan, addresses: [192.168.0.10/24]}
                      - {name: eth1, segment: back, addresses: [10.0.0.1/24]}
                      - {name: vip0, kind: dummy, addresses: [10.96.0.1/32]}
                    routes:
                      - {to: default, via: 192.168.0.1}
                    sysctls:
                      net.ipv4.ip_forward: 1
                      net.ipv4.vs.conntrack: 1
                    config:
                      - kind: iptables-save
                        text: |
                          *filter
                          :INPUT ACCEPT [0:0]
                          :FORWARD ACCEPT [0:0]
                          :OUTPUT ACCEPT [0:0]
                          -A INPUT -s 172.16.0.0/12 -j DROP
                          -A INPUT -d 10.96.0.1/32 -p tcp -m tcp ! --dport 80 -j REJECT
                          -A INPUT -d 10.96.0.1/32 -p udp -j REJECT
                          COMMIT
                          *nat
                          :PREROUTING ACCEPT [0:0]
                          :INPUT ACCEPT [0:0]
                          :OUTPUT ACCEPT [0:0]
                          :POSTROUTING ACCEPT [0:0]
                          -A POSTROUTING -m ipvs --vaddr 10.96.0.1/32 --vport 80 -j MASQUERADE
                          COMMIT
                      - kind: ipvsadm-save
                        text: |
                          -A -t 10.96.0.1:80 -s rr
                          -a -t 10.96.0.1:80 -r 10.0.0.2:8080 -m -w 1
                  - name: rs
                    interfaces:
                      - {name: eth0, segment: back, addresses: [10.0.0.2/24]}
                servers:
                  - {host: rs, proto: tcp, port: 8080, response: "ok"}
                traffic:
                  - {id: web, from: client, to: 10.96.0.1:80, request: "GET /"}
                expectations:
                  - {flow: web, outcome: established}
                """);
        return f;
    }

    @Test
    void textNamesTheFailingClassWithItsWitnessAndExitsOne(@TempDir Path dir) throws Exception {
        Path f = dropsAPrefix(dir);
        assertEquals(0, CliTest.run("verify", f.toString()).exit(), "without --all-packets the sampled flow holds");
        CliTest.Run r = CliTest.run("verify", f.toString(), "--all-packets");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("ERROR [all-packets] node: all-packets: 1 class of new connections to a service do not reach"), r.out());
        assertTrue(r.out().contains("witness tcp 172.16.0.1:"), r.out());
        assertTrue(r.out().contains("-A INPUT -s 172.16.0.0/12 -j DROP"), r.out());
        assertTrue(r.out().contains("all-packets:\n  node: "), r.out());
        assertTrue(r.out().contains("1 failing"), r.out());
    }

    @Test
    void jsonCarriesTheFindingWithKindAndSubjectAndTheRun(@TempDir Path dir) throws Exception {
        CliTest.Run r = CliTest.run("verify", dropsAPrefix(dir).toString(), "--all-packets", "--format", "json");
        assertEquals(1, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("fails", j.get("verdict").asText());
        JsonNode finding = null;
        for (JsonNode x : j.get("findings")) if (x.get("check").asText().equals("all-packets") && x.get("severity").asText().equals("ERROR")) finding = x;
        assertTrue(finding != null, r.out());
        assertEquals("all-packets", finding.get("kind").asText());
        assertEquals("service-not-reached", finding.get("subject").asText());
        assertTrue(finding.get("evidence").toString().contains("\"type\":\"trace\""), finding.toString());
        JsonNode run = j.get("allPackets").get(0);
        assertEquals("node", run.get("host").asText());
        assertEquals(1, run.get("failingClasses").asLong());
        assertTrue(run.get("classes").asLong() >= 3, run.toString());
        assertTrue(run.has("seconds"));
    }

    @Test
    void junitHasOneCasePerDirectorReadBySurefire(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("TEST-ap.xml");
        assertEquals(1, CliTest.run("verify", dropsAPrefix(dir).toString(), "--all-packets", "--format", "junit", "-o", xml.toString()).exit());
        CliTest.validateJunit(xml);
        ReportTestSuite s = new TestSuiteXmlParser(new NullConsoleLogger()).parse(xml.toString()).get(0);
        assertTrue(s.getTestCases().stream().anyMatch(c -> c.getName().equals("all-packets node") && c.hasFailure()));

        Path ok = dir.resolve("TEST-ok.xml");
        assertEquals(0, CliTest.run("verify", "../scenarios/kube-ipvs-node.yaml", "--all-packets", "--format", "junit", "-o", ok.toString()).exit());
        CliTest.validateJunit(ok);
        ReportTestSuite good = new TestSuiteXmlParser(new NullConsoleLogger()).parse(ok.toString()).get(0);
        assertEquals(0, good.getNumberOfFailures());
        assertTrue(good.getTestCases().stream().anyMatch(c -> c.getName().equals("all-packets node")));
    }

    @Test
    void aHoldingScenarioStillHoldsAndSaysWhatItDidNotVerify() {
        CliTest.Run r = CliTest.run("verify", "../scenarios/kube-ipvs-node.yaml", "--all-packets");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("verdict: holds"), r.out());
        assertTrue(r.out().contains("not verified: 192.168.0.10: other ports not checked"), r.out());
        assertFalse(r.out().contains("[all-packets]"), r.out());
    }
}
