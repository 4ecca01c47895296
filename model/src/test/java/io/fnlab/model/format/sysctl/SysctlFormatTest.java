package io.fnlab.model.format.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fnlab.model.format.Fuzz;
import io.fnlab.model.format.Netns;
import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class SysctlFormatTest {
    static final String CONF = """
            # kube-proxy ipvs mode
            net.ipv4.ip_forward = 1
            ; old style comment
            net/ipv4/vs/conntrack=1
              net.ipv4.vs.expire_nodest_conn  =  1
            -net.ipv4.conf.all.arp_ignore = 1
            net.ipv4.ip_local_port_range = 1024 65000

            """;

    @Test
    void readsConfFilesAsSysctlPDoes() {
        Map<String, String> m = SysctlConf.read(CONF, "/etc/sysctl.conf");
        assertEquals(Map.of("net.ipv4.ip_forward", "1", "net.ipv4.vs.conntrack", "1", "net.ipv4.vs.expire_nodest_conn", "1",
                "net.ipv4.conf.all.arp_ignore", "1", "net.ipv4.ip_local_port_range", "1024 65000"), m);
        assertEquals("net.ipv4.ip_forward = 1\nnet.ipv4.vs.conntrack = 1\nnet.ipv4.vs.expire_nodest_conn = 1\n"
                + "net.ipv4.conf.all.arp_ignore = 1\nnet.ipv4.ip_local_port_range = 1024 65000\n", SysctlConf.write(m));
        ParseError e = assertThrows(ParseError.class, () -> SysctlConf.read("a.b = 1\njust words\n", "f"));
        assertEquals(2, e.where().line());
    }

    @Test
    void commandWritesKeys() {
        HostConfigBuilder h = new HostConfigBuilder();
        SysctlCommand c = new SysctlCommand();
        SourceRef w = SourceRef.of("s", 1);
        assertEquals(java.util.Optional.empty(), c.apply(h, List.of("-w", "net.ipv4.vs.conntrack=1"), w));
        assertEquals(java.util.Optional.empty(), c.apply(h, List.of("net/ipv4/ip_forward=1"), w));
        assertEquals(java.util.Optional.empty(), c.apply(h, List.of("-q", "-e", "-w", "net.fnlab.unknown=7"), w));
        assertEquals(java.util.Optional.empty(), c.apply(h, List.of("net.ipv4.ip_forward"), w));
        assertEquals("sysctl: command line(0): invalid syntax, continuing...", c.apply(h, List.of("-w", "net.ipv4.ip_forward"), w).get().message());
        assertEquals("sysctl: invalid option -- 'z'", c.apply(h, List.of("-z"), w).get().message());
        assertEquals(Map.of("net.ipv4.vs.conntrack", "1", "net.ipv4.ip_forward", "1", "net.fnlab.unknown", "7"), h.sysctls);
        assertThrows(ParseError.class, () -> c.apply(h, List.of("-p"), w));
    }

    @Test
    @Tag("kernel")
    void theRealSysctlAcceptsWhatFnlabWrites() {
        try (Netns ns = Netns.create("sysctl", "sysctl")) {
            Map<String, String> m = SysctlConf.read(CONF, "c");
            m.remove("net.ipv4.vs.conntrack");
            m.remove("net.ipv4.vs.expire_nodest_conn"); // no IPVS in this kernel
            String text = SysctlConf.write(m);
            Netns.Result r = ns.exec(List.of("sysctl", "-p", "-"), text);
            assertEquals(0, r.rc(), r.err());
            for (Map.Entry<String, String> e : m.entrySet())
                assertEquals(e.getValue().replace(" ", "\t"), ns.exec("sysctl", "-n", e.getKey()).out().strip(), e.getKey());
        }
    }

    @Provide
    Arbitrary<Map<String, String>> maps() {
        Arbitrary<String> part = Arbitraries.strings().withChars("abcxyz_019").ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> key = part.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join(".", l));
        Arbitrary<String> value = Arbitraries.strings().withChars("0123456789 abc:-").ofMaxLength(12).map(String::strip);
        return Arbitraries.maps(key, value).ofMaxSize(8).map(LinkedHashMap::new);
    }

    @Property(tries = 300)
    void confReadsBackWhatItWrote(@ForAll("maps") Map<String, String> m) {
        assertEquals(m, SysctlConf.read(SysctlConf.write(m), "g"));
    }

    @Test
    void fuzzConfAndCommand() {
        Fuzz.run(List.of(CONF, SysctlConf.write(Map.of("net.ipv4.ip_forward", "1", "kernel.pid_max", "65536"))), 16000, 21,
                in -> SysctlConf.read(in, "fuzz"));
        HostConfigBuilder h = new HostConfigBuilder();
        SysctlCommand c = new SysctlCommand();
        Fuzz.run(List.of("-w net.ipv4.ip_forward=1", "-q -e net/ipv4/vs/conntrack=1", "net.ipv4.ip_local_port_range=\"1024 65000\"", "-w"),
                16000, 22, in -> {
                    SourceRef w = SourceRef.of("fuzz", 1);
                    c.apply(h, ShellWords.split(in.replace('\n', ' '), w), w);
                });
    }
}
