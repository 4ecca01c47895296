package io.fnlab.model.format.scenario;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostScriptTest {
    private static List<HostScript.Command> parse(String s) {
        return HostScript.parse(s, "t.sh");
    }

    @Test
    void splitsLinesCommentsContinuationsAndSeparators() {
        List<HostScript.Command> cs = parse("""
                # a comment

                ipset create KUBE-CLUSTER-IP   hash:ip,port   # trailing comment
                iptables -t nat -A POSTROUTING \\
                   -j MASQUERADE
                modprobe ip_vs; modprobe ip_vs_rr && sysctl -w net.ipv4.vs.conntrack=1
                """);
        assertEquals(5, cs.size());
        assertEquals(List.of("ipset", "create", "KUBE-CLUSTER-IP", "hash:ip,port"), cs.get(0).words());
        assertEquals(new SourceRef("t.sh", 3, 1), cs.get(0).where());
        assertEquals(List.of("iptables", "-t", "nat", "-A", "POSTROUTING", "-j", "MASQUERADE"), cs.get(1).words());
        assertEquals(4, cs.get(1).where().line());
        assertEquals(new SourceRef("t.sh", 6, 17), cs.get(3).where());
        assertEquals(HostScript.Connector.SEQUENCE, cs.get(3).connector());
        assertEquals(HostScript.Connector.AND, cs.get(4).connector());
        assertEquals(new SourceRef("t.sh", 6, 38), cs.get(4).where());
    }

    @Test
    void stripsPromptsAndSudo() {
        List<HostScript.Command> cs = parse("""
                [root@master02 ~]# ipvsadm -A -t 100.222.111.1:8000 -s rr
                root@ubuntu:/usr/local/nginx/conf# curl 127.0.0.1:8181
                $ sudo modprobe ip_vs
                """);
        assertEquals(List.of("ipvsadm", "-A", "-t", "100.222.111.1:8000", "-s", "rr"), cs.get(0).words());
        assertEquals(20, cs.get(0).where().column());
        assertEquals(List.of("curl", "127.0.0.1:8181"), cs.get(1).words());
        assertEquals(List.of("modprobe", "ip_vs"), cs.get(2).words());
    }

    @Test
    void quotesKeepSeparatorsAndHashes() {
        List<HostScript.Command> cs = parse("iptables -m comment --comment \"a; b && c # d\" -j LOG --log-prefix '[k8svip ipvs]'");
        assertEquals(1, cs.size());
        assertEquals("a; b && c # d", cs.get(0).words().get(4));
        assertEquals("[k8svip ipvs]", cs.get(0).words().get(8));
    }

    @Test
    void devNullRedirectionsAreDroppedOthersRefused() {
        List<HostScript.Command> cs = parse("modprobe ip_vs >/dev/null 2>&1");
        assertEquals(List.of("modprobe", "ip_vs"), cs.get(0).words());
        ParseError e = assertThrows(ParseError.class, () -> parse("ipvsadm-save -n > /etc/ipvsadm.rules"));
        assertTrue(e.problem().contains("/etc/ipvsadm.rules"), e.problem());
    }

    @Test
    void shellFeaturesFnlabCannotReplayAreErrorsWithColumns() {
        assertEquals(new SourceRef("t.sh", 2, 22), assertThrows(ParseError.class,
                () -> parse("true\nipvsadm -A -t $VIP:80 -s rr")).where().atColumn(22));
        ParseError e = assertThrows(ParseError.class, () -> parse("true\nipvsadm -A -t $VIP:80"));
        assertEquals(2, e.where().line());
        assertEquals(15, e.where().column());
        assertThrows(ParseError.class, () -> parse("iptables-save | grep KUBE"));
        assertThrows(ParseError.class, () -> parse("x=$(cat f)"));
        assertThrows(ParseError.class, () -> parse("echo `date`"));
        assertThrows(ParseError.class, () -> parse("sleep 1 &"));
        assertThrows(ParseError.class, () -> parse("iptables -L &&"));
        assertThrows(ParseError.class, () -> parse("; iptables -L"));
        ParseError q = assertThrows(ParseError.class, () -> parse("ok\n  iptables -m comment --comment 'x"));
        assertEquals(new SourceRef("t.sh", 2, 33), q.where());
    }

    @Test
    void dispatchesToToolsAndReportsHarmlessCommands() {
        HostConfigBuilder b = new HostConfigBuilder();
        HostScript.discovered().run(b, "echo hi\nsudo sysctl -w net.ipv4.vs.conntrack=1\ncurl http://10.1.1.1", "t.sh");
        assertEquals("1", b.sysctls.get("net.ipv4.vs.conntrack"));
        assertEquals(2, b.diagnostics.size());
        assertEquals(Diagnostic.Severity.INFO, b.diagnostics.get(0).severity());
        assertEquals("not a configuration command, skipped", b.diagnostics.get(0).message());
        assertEquals(3, b.diagnostics.get(1).where().line());
    }

    @Test
    void unknownStateChangingCommandIsAParseError() {
        ParseError e = assertThrows(ParseError.class,
                () -> HostScript.discovered().run(new HostConfigBuilder(), "echo ok\nbrctl addbr br0", "t.sh"));
        assertEquals(new SourceRef("t.sh", 2, 1), e.where());
        assertTrue(e.problem().contains("brctl"));
        assertThrows(ParseError.class, () -> new HostScript(java.util.Map.of()).run(new HostConfigBuilder(), "ipvsadm -C", "t"));
    }

    @Test
    void andListStopsAfterAFailedCommandLikeAShell() {
        HostConfigBuilder b = new HostConfigBuilder();
        HostScript.discovered().run(b, """
                iptables -t nat -I KUE-SERVICES -j ACCEPT && sysctl -w a.b=1
                iptables -t nat -I NOPE -j ACCEPT || sysctl -w c.d=2
                sysctl -w e.f=3 || sysctl -w g.h=4
                """, "t.sh");
        assertNull(b.sysctls.get("a.b"), "&& must not run after a failed command");
        assertEquals("2", b.sysctls.get("c.d"));
        assertEquals("3", b.sysctls.get("e.f"));
        assertNull(b.sysctls.get("g.h"));
        assertEquals(Diagnostic.Severity.ERROR, b.diagnostics.get(0).severity());
        assertEquals(1, b.diagnostics.get(0).where().line());
        assertTrue(b.diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.INFO && d.where().line() == 1
                && d.message().startsWith("not run")));
    }

    @Test
    void echoIntoProcSysIsASysctlWrite() {
        HostConfigBuilder b = new HostConfigBuilder();
        HostScript.discovered().run(b, "echo 1 > /proc/sys/net/ipv4/ip_forward\necho -n 1 >/proc/sys/net/ipv4/vs/conntrack", "t.sh");
        assertEquals("1", b.sysctls.get("net.ipv4.ip_forward"));
        assertEquals("1", b.sysctls.get("net.ipv4.vs.conntrack"));
        assertTrue(FakeTools.CALLS.stream().anyMatch(c -> c.tool().equals("sysctl")
                && c.argv().equals(List.of("-w", "net.ipv4.ip_forward=1")) && c.where().equals(new SourceRef("t.sh", 1, 1))));
        HostConfigBuilder direct = new HostConfigBuilder();
        new HostScript(java.util.Map.of()).run(direct, "echo 0 > /proc/sys/net/ipv4/vs/conn_reuse_mode", "t.sh");
        assertEquals("0", direct.sysctls.get("net.ipv4.vs.conn_reuse_mode"));
        assertThrows(ParseError.class, () -> parse("echo 1 >> /proc/sys/net/ipv4/ip_forward"));
        assertThrows(ParseError.class, () -> parse("echo 1 > /etc/sysctl.conf"));
        assertThrows(ParseError.class, () -> HostScript.discovered().run(new HostConfigBuilder(),
                "cat x > /proc/sys/net/ipv4/ip_forward", "t.sh"));
        assertThrows(ParseError.class, () -> parse("> /proc/sys/net/ipv4/ip_forward"));
    }

    @Test
    void andAcrossNewlineContinuesTheList() {
        List<HostScript.Command> cs = parse("modprobe ip_vs &&\n  modprobe ip_vs_rr");
        assertEquals(2, cs.size());
        assertEquals(HostScript.Connector.AND, cs.get(1).connector());
        assertEquals(new SourceRef("t.sh", 2, 3), cs.get(1).where());
    }
}
