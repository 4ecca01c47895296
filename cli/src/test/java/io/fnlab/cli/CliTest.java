package io.fnlab.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.TestSuiteXmlParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: exit codes, outputs, and errors without stack traces. */
class CliTest {
    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void home() {
        System.setProperty("fnlab.home", "..");
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void verifyWithoutArgumentRunsTheDefaultScenarioAndItHolds() {
        Run r = run("verify");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("seed000-fullnat"), r.out());
        assertTrue(r.out().contains("verdict: holds"), r.out());
    }

    @Test
    void verifyJsonNamesSeed000sCauses() throws Exception {
        Run r = run("verify", "../scenarios/seed000-published.yaml", "--format", "json");
        assertEquals(1, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("fails", j.get("verdict").asText());
        List<String> causes = new ArrayList<>();
        for (JsonNode f : j.get("findings")) if (f.hasNonNull("kind")) causes.add(f.get("kind").asText() + ":" + f.get("subject").asText());
        assertTrue(causes.containsAll(List.of("missing-chain:LVS_PROXY_CHAIN", "missing-chain:KUE-SERVICES",
                "mark-never-set:0x4000", "sysctl:net.ipv4.vs.conntrack=0")), causes.toString());
        // every finding that claims a packet's fate carries the trace
        for (JsonNode f : j.get("findings")) {
            if (!"expectations".equals(f.get("check").asText())) continue;
            assertEquals("trace", f.get("evidence").get(0).get("type").asText());
            assertTrue(f.get("evidence").get(0).get("trace").get("hops").size() > 0);
        }
    }

    @Test
    void verifyJunitIsReadBySurefiresParser(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("TEST-fnlab.xml");
        Run r = run("verify", "../scenarios/seed000-published.yaml", "--format", "junit", "-o", xml.toString());
        assertEquals(1, r.exit(), r.err());
        validateJunit(xml);
        validateJunit(ok(dir));
        List<ReportTestSuite> suites = new TestSuiteXmlParser(new NullConsoleLogger()).parse(xml.toString());
        assertEquals(1, suites.size());
        ReportTestSuite s = suites.get(0);
        assertEquals("fnlab.seed000-published", s.getFullClassName());
        assertTrue(s.getNumberOfTests() >= 8, "one case per check and per flow");
        assertTrue(s.getNumberOfFailures() >= 4, "command-failed, mark-flow, ipvs-sysctls, expectations");
        assertTrue(s.getTestCases().stream().anyMatch(c -> c.getName().equals("command-failed") && c.hasFailure()));
        assertTrue(s.getTestCases().stream().anyMatch(c -> c.getName().equals("flow curl") && c.hasFailure()));

        Path ok = dir.resolve("TEST-ok.xml");
        assertEquals(0, run("verify", "--format", "junit", "-o", ok.toString()).exit());
        ReportTestSuite good = new TestSuiteXmlParser(new NullConsoleLogger()).parse(ok.toString()).get(0);
        assertEquals(0, good.getNumberOfFailures());
        assertTrue(good.getNumberOfTests() > 0);
    }

    @Test
    void parsePrintsTheSeedsScriptAsSavedStateAndTheToolsErrors(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("seed000.sh");
        Files.writeString(script, """
                ipset create KUBE-CLUSTER-IP   hash:ip,port
                ipset add KUBE-CLUSTER-IP 10.1.1.1,80
                iptables -N KUBE-SERVICES -t nat
                iptables -N KUBE-MARK-MASQ -t nat
                iptables -t nat -N KUBE-POSTROUTING
                iptables -t nat -I POSTROUTING -m comment --comment "postrouting rule" -j KUBE-POSTROUTING
                iptables -t nat -I PREROUTING -m comment --comment "proxy snat" -j LVS_PROXY_CHAIN
                iptables -t nat -I KUE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ
                iptables -t nat -I KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
                iptables -t nat -I KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE
                ipvsadm -A -t 10.1.1.1:80 -s rr
                ipvsadm -a -t 10.1.1.1:80 -r 192.168.1.2:8181 -m
                """);
        Run r = run("parse", script.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("-A KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE"), r.out());
        assertTrue(r.out().contains("add KUBE-CLUSTER-IP 10.1.1.1,tcp:80"), r.out());
        assertTrue(r.out().contains("-a -t 10.1.1.1:80 -r 192.168.1.2:8181 -m -w 1"), r.out());
        assertTrue(r.err().contains("seed000.sh:7:1: iptables: Chain 'LVS_PROXY_CHAIN' does not exist"), r.err());
        assertTrue(r.err().contains("seed000.sh:8:1: iptables: No chain/target/match by that name."), r.err());
    }

    @Test
    void badInputIsOneLineWithPlaceAndExitTwo(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("rules.save");
        Files.writeString(bad, "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m frobnicate -j ACCEPT\nCOMMIT\n");
        Run r = run("parse", bad.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("fnlab: " + bad + ":3"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());

        Run missing = run("verify", dir.resolve("nope.yaml").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Path yaml = dir.resolve("s.yaml");
        Files.writeString(yaml, "name: x\nsegmnets: []\n");
        Run y = run("verify", yaml.toString());
        assertEquals(2, y.exit());
        assertTrue(y.err().contains(yaml + ":2:1"), y.err());
    }

    @Test
    void exportWritesSyntacticallyValidScriptsPerHost(@TempDir Path dir) throws Exception {
        Run r = run("export", "../scenarios/seed000-fullnat.yaml", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        Path director = dir.resolve("director");
        assertTrue(Files.isRegularFile(director.resolve("apply.sh")));
        assertTrue(Files.readString(director.resolve("iptables.rules")).contains(":KUBE-MARK-MASQ - [0:0]"));
        assertTrue(Files.readString(director.resolve("ipvsadm.rules")).contains("-A -t 10.1.1.1:80 -s rr"));
        Process p = new ProcessBuilder("sh", "-n", director.resolve("apply.sh").toString()).redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), msg);
        assertEquals(2, run("export", "../scenarios/seed000-fullnat.yaml", "--host", "nobody", "--out", dir.toString()).exit());
    }

    @Test
    void diffReportsWhatAConfigChangeDoesToTheTraffic() {
        Run r = run("diff", "../scenarios/modes-nat.yaml", "../scenarios/modes-fullnat.yaml");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("server sees 172.16.0.10 -> 10.0.0.1"), r.out());
        Run same = run("diff", "../scenarios/modes-nat.yaml", "../scenarios/modes-nat.yaml");
        assertEquals(0, same.exit(), same.out());
        assertTrue(same.out().contains("0 of 2 connection(s) changed"), same.out());
    }

    @Test
    void stateShowsIpvsAsIpvsadmDoesAfterTheTraffic() {
        Run r = run("state", "../scenarios/sched-wrr.yaml", "--host", "director", "--show", "ipvs,connections");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("TCP  172.16.0.100:80 wrr"), r.out());
        // weights 4/3/2 over nine connections: 4, 3 and 2 of them, all closed (InActConn)
        assertTrue(r.out().matches("(?s).*-> 10.0.0.11:80 +Masq +4 +0 +4 .*"), r.out());
        assertTrue(r.out().matches("(?s).*-> 10.0.0.13:80 +Masq +2 +0 +2 .*"), r.out());
        assertEquals(9, r.out().lines().filter(l -> l.startsWith("TCP ") && l.contains("TIME_WAIT")).count(), r.out());
        assertEquals(2, run("state", "../scenarios/sched-wrr.yaml", "--host", "nobody").exit());
    }

    private static Path ok(Path dir) {
        Path p = dir.resolve("TEST-holds.xml");
        assertEquals(0, run("verify", "--format", "junit", "-o", p.toString()).exit());
        return p;
    }

    /** Against the JUnit report schema (src/test/resources/junit-report.xsd). */
    static void validateJunit(Path xml) throws Exception {
        var factory = javax.xml.validation.SchemaFactory.newInstance(javax.xml.XMLConstants.W3C_XML_SCHEMA_NS_URI);
        var schema = factory.newSchema(CliTest.class.getResource("/junit-report.xsd"));
        schema.newValidator().validate(new javax.xml.transform.stream.StreamSource(xml.toFile()));
    }

    @Test
    void everyReportCommandChecksFormatAndSeedAlike() {
        for (String[] cmd : new String[][] {
                {"trace", "../scenarios/seed000-fullnat.yaml", "--from", "client", "--to", "10.0.0.1:80", "--format", "xml"},
                {"compare", "../scenarios/seed000-fullnat.yaml", "nothing.pcap", "--format", "xml"}}) {
            Run r = run(cmd);
            assertEquals(ExitCodes.BAD_INPUT, r.exit(), r.err());
            assertTrue(r.err().contains("--format must be text or json, not 'xml'"), r.err());
        }
        // the simulator's commands take the same --seed, with its meaning in the help
        for (String c : List.of("simulate", "trace", "verify", "explain", "diff", "state", "compare")) {
            Run r = run(c, "--help");
            assertTrue(r.out().contains("--seed=N") && r.out().contains("seed of the run-time random choices"), c + ": " + r.out());
        }
        assertEquals(ExitCodes.BAD_INPUT, run("simulate", "../scenarios/seed000-fullnat.yaml", "--seed", "many").exit());
    }
}
