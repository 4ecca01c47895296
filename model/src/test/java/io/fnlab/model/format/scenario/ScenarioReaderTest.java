package io.fnlab.model.format.scenario;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.Address;
import io.fnlab.model.scenario.Expectation;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioReaderTest {
    @TempDir
    Path tmp;

    static final String MINIMAL = """
            name: mini
            segments: [lan]
            hosts:
              - name: a
                interfaces:
                  - name: eth0
                    segment: lan
                    addresses: [10.0.0.1/24]
              - name: b
                interfaces:
                  - {name: eth0, segment: lan, addresses: [10.0.0.2/24]}
            servers:
              - {host: b, port: 80}
            traffic:
              - {id: f, from: a, to: 10.0.0.2:80}
            expectations:
              - {flow: f, outcome: established}
            """;

    private Scenario parse(String yaml) {
        return ScenarioReader.parse(yaml, tmp.resolve("s.yaml"));
    }

    private ParseError error(String yaml) {
        return assertThrows(ParseError.class, () -> parse(yaml));
    }

    private static String with(String replace, String by) {
        assertTrue(MINIMAL.contains(replace), replace);
        return MINIMAL.replace(replace, by);
    }

    @Test
    void readsTheDefaultScenario() {
        Path f = Library.dir().resolve("seed000-fullnat.yaml");
        Scenario s = ScenarioReader.read(f);
        assertEquals("seed000-fullnat", s.name());
        assertEquals("holds", s.expectedVerdict());
        assertEquals(List.of("front", "back"), s.segments().stream().map(x -> x.name()).toList());
        Host d = s.host("director").orElseThrow();
        assertEquals(List.of("lo", "eth0"), d.interfaces().stream().map(Interface::name).toList());
        assertEquals(Interface.Kind.LOOPBACK, d.interfaces().get(0).kind());
        assertEquals("front", d.interfaces().get(1).segment());
        assertTrue(d.config().addresses().contains(new Address(Prefix.parse("10.1.1.1/24"), "eth0", Address.Scope.GLOBAL)));
        assertTrue(d.config().addresses().contains(new Address(Prefix.parse("127.0.0.1/8"), "lo", Address.Scope.HOST)));
        assertEquals(Ipv4.parse("10.1.1.254"), d.config().routes().get(0).via());
        assertEquals("1", d.config().sysctls().get("net.ipv4.vs.conntrack", "0"));
        assertEquals(1, d.config().sysctls().getInt("net/ipv4/ip_forward", 0));

        // the inline script ran command by command, located at its lines in the YAML file
        FakeTools.Call add = FakeTools.CALLS.stream()
                .filter(c -> c.tool().equals("ipvsadm") && c.argv().contains("-a") && c.where().file().equals(f.toString()))
                .reduce((x, y) -> y).orElseThrow();
        assertEquals(List.of("-a", "-t", "10.1.1.1:80", "-r", "192.168.1.2:8181", "-m"), add.argv());
        assertEquals(lineOf(f, "ipvsadm -a -t 10.1.1.1:80"), add.where().line());
        assertEquals(11, add.where().column());

        Traffic.Flow flow = (Traffic.Flow) s.traffic().get(0);
        assertEquals(Endpoint.parse("10.1.1.1:80"), flow.to());
        assertEquals(1, flow.repeat());
        assertTrue(flow.close());
        assertTrue(s.expectations().contains(new Expectation.FlowOutcome("curl", Outcome.ESTABLISHED,
                s.expectations().get(0).source())));
        assertTrue(s.expectations().stream().anyMatch(e -> e instanceof Expectation.ServerSeesSource ss
                && ss.client().equals(Ipv4.parse("10.1.1.1"))));
        assertTrue(s.expectations().stream().anyMatch(e -> e instanceof Expectation.ServedBy sb
                && sb.host().equals("rs1") && sb.server().equals(Endpoint.parse("192.168.1.2:8181"))));
    }

    static int lineOf(Path f, String needle) {
        try {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(needle)) return i + 1;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError(needle + " not in " + f);
    }

    @Test
    void minimalScenarioHasDefaults() {
        Scenario s = parse(MINIMAL);
        assertEquals("holds", s.expectedVerdict());
        assertEquals(tmp.resolve("s.yaml").toString(), s.path());
        assertEquals(1500, s.host("a").orElseThrow().interfaces().get(1).mtu());
        assertEquals("tcp", s.servers().get(0).protocol().name());
        assertNull(s.servers().get(0).bind());
    }

    @Test
    void unknownFieldNamesItAndTheAllowedOnes() {
        ParseError e = error(with("    interfaces:\n      - name: eth0\n        segment: lan",
                "    interfaces:\n      - name: eth0\n        segmnet: lan"));
        assertEquals(new SourceRef(tmp.resolve("s.yaml").toString(), 7, 9), e.where());
        assertTrue(e.problem().contains("'segmnet'"), e.problem());
        assertTrue(e.problem().contains("allowed: name, kind, segment, addresses, mac, mtu"), e.problem());
        ParseError top = error(MINIMAL + "extra: 1\n");
        assertEquals(18, top.where().line());
        assertTrue(top.problem().contains("expectations"), top.problem());
    }

    @Test
    void wrongTypesAreReportedAtTheValue() {
        ParseError e = error(with("{host: b, port: 80}", "{host: b, port: eighty}"));
        assertEquals(13, e.where().line());
        assertEquals(21, e.where().column());
        assertTrue(e.problem().contains("'port' must be an integer"), e.problem());
        ParseError l = error(with("addresses: [10.0.0.1/24]", "addresses: 10.0.0.1/24"));
        assertEquals(8, l.where().line());
        assertTrue(l.problem().contains("must be a list"), l.problem());
        ParseError a = error(with("to: 10.0.0.2:80", "to: 10.0.0.2"));
        assertTrue(a.problem().contains("ADDRESS:PORT"), a.problem());
        ParseError range = error(with("{host: b, port: 80}", "{host: b, port: 70000}"));
        assertTrue(range.problem().contains("between 1 and 65535"), range.problem());
        ParseError pfx = error(with("[10.0.0.1/24]", "[10.0.0.1]"));
        assertTrue(pfx.problem().contains("prefix length"), pfx.problem());
    }

    @Test
    void missingRequiredFields() {
        ParseError e = error(MINIMAL.replace("name: mini\n", ""));
        assertTrue(e.problem().contains("missing required field 'name'"), e.problem());
        assertEquals(1, e.where().line());
        ParseError seg = error(with("  - name: eth0\n        segment: lan\n", "  - name: eth0\n"));
        assertTrue(seg.problem().contains("'segment'"), seg.problem());
        assertTrue(error("name: x\n").problem().contains("at least one host"));
    }

    @Test
    void danglingReferences() {
        ParseError seg = error(with("segment: lan\n", "segment: wan\n"));
        assertTrue(seg.problem().contains("segment 'wan'"), seg.problem());
        assertEquals(7, seg.where().line());
        assertEquals(18, seg.where().column());
        ParseError from = error(with("from: a,", "from: c,"));
        assertTrue(from.problem().contains("host 'c'") && from.problem().contains("hosts: a, b"), from.problem());
        ParseError flow = error(with("{flow: f,", "{flow: g,"));
        assertTrue(flow.problem().contains("flow 'g'"), flow.problem());
        assertEquals(17, flow.where().line());
        ParseError server = error(with("{host: b, port", "{host: z, port"));
        assertTrue(server.problem().contains("host 'z'"), server.problem());
        ParseError dev = error(with("    interfaces:\n      - {name: eth0", "    routes: [{to: default, dev: eth1}]\n    interfaces:\n      - {name: eth0"));
        assertTrue(dev.problem().contains("no interface 'eth1'"), dev.problem());
        ParseError servedBy = error(with("outcome: established}", "served-by: q}"));
        assertTrue(servedBy.problem().contains("host 'q'"), servedBy.problem());
    }

    @Test
    void duplicates() {
        assertTrue(error(with("  - name: b\n", "  - name: a\n")).problem().contains("host 'a' is defined twice"));
        assertTrue(error(with("segments: [lan]", "segments: [lan, lan]")).problem().contains("twice"));
        ParseError k = error(with("name: mini\n", "name: mini\nname: again\n"));
        assertTrue(k.problem().contains("duplicate key 'name'"), k.problem());
        assertEquals(2, k.where().line());
    }

    @Test
    void yamlSyntaxErrorsHaveALocation() {
        ParseError e = error(with("  - {host: b, port: 80}", "  - {host: b, port: 80"));
        assertTrue(e.where().line() >= 12, e.toString());
        assertTrue(e.where().column() >= 1, e.toString());
        assertTrue(error("").problem().contains("empty"));
        assertTrue(error(MINIMAL + "---\nname: two\n").problem().contains("second YAML document"));
        assertTrue(error(with("name: mini", "name: &n mini\ndescription: *n")).problem().contains("alias"));
    }

    @Test
    void expectVerdictAndCauses() {
        Scenario s = parse(MINIMAL + """
                expect:
                  verdict: fails
                  causes:
                    - {kind: missing-chain, subject: LVS_PROXY_CHAIN, note: never created}
                """);
        assertEquals("fails", s.expectedVerdict());
        assertEquals("missing-chain", s.expectedCauses().get(0).kind());
        assertEquals("LVS_PROXY_CHAIN", s.expectedCauses().get(0).subject());
        assertTrue(error(MINIMAL + "expect: {verdict: fails}\n").problem().contains("causes"));
        assertTrue(error(MINIMAL + "expect: {verdict: works}\n").problem().contains("'holds' or 'fails'"));
        assertTrue(error(MINIMAL + "expect: {verdict: fails, causes: [{kind: Missing Chain, subject: x}]}\n")
                .problem().contains("lowercase"));
    }

    @Test
    void inlineScriptErrorsPointIntoTheScenarioFile() {
        ParseError e = error(with("    interfaces:\n      - {name: eth0", """
                    config:
                      - kind: script
                        text: |
                          modprobe ip_vs
                          ipvsadm -A -t $VIP:80 -s rr
                    interfaces:
                      - {name: eth0""".indent(4).stripTrailing()));
        assertEquals(new SourceRef(tmp.resolve("s.yaml").toString(), 14, 25), e.where(), e.toString());
    }

    @Test
    void configFilesAreReadRelativeToTheScenario() throws IOException {
        Files.writeString(tmp.resolve("b.sh"), "# b's rules\nsysctl -w net.ipv4.ip_forward=1\nipvsadm -A -t 10.0.0.2:80 -s rr\n");
        Scenario s = parse(with("    interfaces:\n      - {name: eth0", """
                    config:
                      - {kind: script, file: b.sh}
                      - kind: sysctl-conf
                        text: |
                          # comment
                          net/ipv4/vs/conntrack = 1
                    interfaces:
                      - {name: eth0""".indent(4).stripTrailing()));
        Host b = s.host("b").orElseThrow();
        assertEquals("1", b.config().sysctls().get("net.ipv4.ip_forward", "0"));
        assertEquals("1", b.config().sysctls().get("net.ipv4.vs.conntrack", "0"));
        assertTrue(FakeTools.CALLS.stream().anyMatch(c -> c.where().equals(new SourceRef(tmp.resolve("b.sh").toString(), 3, 1))));
        ParseError missing = error(with("    interfaces:\n      - {name: eth0",
                "    config: [{kind: script, file: nope.sh}]\n    interfaces:\n      - {name: eth0"));
        assertTrue(missing.problem().contains("nope.sh"), missing.problem());
        assertEquals(10, missing.where().line());
    }

    @Test
    void foldedConfigTextIsRefused() {
        ParseError e = error(with("    interfaces:\n      - {name: eth0",
                "    config:\n      - kind: script\n        text: >\n          modprobe ip_vs\n          modprobe ip_vs_rr\n    interfaces:\n      - {name: eth0"));
        assertTrue(e.problem().contains("'|' block"), e.problem());
        assertEquals(12, e.where().line());
    }

    @Test
    void unknownConfigKindListsTheAllowedKinds() {
        ParseError e = error(with("    interfaces:\n      - {name: eth0",
                "    config: [{kind: nft, text: x}]\n    interfaces:\n      - {name: eth0"));
        assertTrue(e.problem().contains("unknown config kind 'nft'"), e.problem());
        assertTrue(e.problem().contains("ipset-save, iptables-restore, iptables-save, ipvsadm-save, script, sysctl-conf"), e.problem());
        ParseError both = error(with("    interfaces:\n      - {name: eth0",
                "    config: [{kind: script, text: x, file: y}]\n    interfaces:\n      - {name: eth0"));
        assertTrue(both.problem().contains("exactly one"), both.problem());
    }

    @Test
    void interfaceKinds() {
        Scenario s = parse(with("  - name: b\n    interfaces:\n", """
                  - name: b
                    interfaces:
                      - {name: lo, addresses: [{address: 10.9.9.9/32, scope: host}]}
                      - {name: kube-ipvs0, kind: dummy, addresses: [10.96.0.1/32]}
                      - {name: tunl0, kind: ipip}
                """));
        Host b = s.host("b").orElseThrow();
        assertEquals(List.of("lo", "kube-ipvs0", "tunl0", "eth0"), b.interfaces().stream().map(Interface::name).toList());
        assertEquals(1480, b.interfaces().get(2).mtu());
        assertTrue(b.config().addresses().contains(new Address(Prefix.parse("10.9.9.9/32"), "lo", Address.Scope.HOST)));
        assertTrue(error(with("  - name: b\n    interfaces:\n",
                "  - name: b\n    interfaces:\n      - {name: d0, kind: dummy, segment: lan}\n"))
                .problem().contains("no segment"));
        assertTrue(error(with("  - name: b\n    interfaces:\n",
                "  - name: b\n    interfaces:\n      - {name: averyveryverylongname, segment: lan}\n"))
                .problem().contains("device name"));
    }

    @Test
    void flowFields() {
        Scenario s = parse(with("{id: f, from: a, to: 10.0.0.2:80}",
                "{id: f, from: a, proto: udp, to: 10.0.0.2:53, sport: 5353, repeat: 3, start: 2s, close: false, request: q}"));
        Traffic.Flow f = (Traffic.Flow) s.traffic().get(0);
        assertEquals("udp", f.protocol().name());
        assertEquals(5353, f.sourcePort());
        assertEquals(3, f.repeat());
        assertEquals(2000, f.startMillis());
        assertFalse(f.close());
        assertTrue(error(with("to: 10.0.0.2:80}", "to: 10.0.0.2:80, proto: icmp}")).problem().contains("tcp or udp"));
        assertTrue(error(with("to: 10.0.0.2:80}", "to: 10.0.0.2:80, start: soon}")).problem().contains("duration"));
        // the k-th connection of a repeat uses sport+k-1: it must stay a port
        ParseError e = error(with("to: 10.0.0.2:80}", "to: 10.0.0.2:80, sport: 65534, repeat: 3}"));
        assertTrue(e.problem().contains("runs past port 65535") && e.problem().contains("at most 2"), e.problem());
        parse(with("to: 10.0.0.2:80}", "to: 10.0.0.2:80, sport: 65534, repeat: 2}"));
    }
}
