package io.fnlab.model.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.ipvsadm.IpvsadmList;
import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The seeds' scripts load through the ToolCommands found by ServiceLoader. */
class SeedScriptsTest {
    static Map<String, ToolCommand> tools() {
        Map<String, ToolCommand> m = new HashMap<>();
        for (ToolCommand t : ServiceLoader.load(ToolCommand.class)) m.put(t.tool(), t);
        return m;
    }

    /** Applies a script; lines of tools not registered (iptables, done elsewhere) are skipped. */
    static void apply(HostConfigBuilder h, String script, String file) {
        Map<String, ToolCommand> tools = tools();
        String[] lines = script.split("\n");
        for (int i = 0; i < lines.length; i++) {
            SourceRef where = SourceRef.of(file, i + 1);
            List<String> w = ShellWords.split(lines[i], where);
            if (w.isEmpty()) continue;
            if (w.get(0).equals("sudo")) w = w.subList(1, w.size());
            ToolCommand t = tools.get(w.get(0));
            if (t == null) continue;
            Optional<Diagnostic> d = t.apply(h, w.subList(1, w.size()), where);
            d.ifPresent(h.diagnostics::add);
        }
    }

    @Test
    void toolsAreRegistered() {
        assertTrue(tools().keySet().containsAll(List.of("ipset", "ipvsadm", "modprobe", "ip", "sysctl")), tools().keySet().toString());
    }

    @Test
    void seed001IpvsadmConfLoads() {
        String conf = """
                # /etc/sysconfig/ipvsadm
                # Load various modules
                modprobe ip_vs
                modprobe ip_vs_rr
                modprobe ip_vs_wrr
                modprobe ip_vs_sh
                # Clear out previous setup
                ipvsadm -C
                # Add virtual server
                ipvsadm -A -t 192.168.1.100:80 -s rr
                ipvsadm -a -t 192.168.1.100:80 -r 192.168.1.10:80 -g
                ipvsadm -a -t 192.168.1.100:80 -r 192.168.1.11:80 -g
                """;
        HostConfigBuilder h = new HostConfigBuilder();
        apply(h, conf, "/etc/ipvsadm.conf");
        assertEquals(List.of(), h.diagnostics);
        IpvsConfig c = h.build().ipvs();
        assertEquals(List.of("ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_sh"), c.modules());
        VirtualService v = c.services().get(0);
        assertEquals("rr", v.scheduler());
        // kernel order: the server added last is at the head
        assertEquals("192.168.1.11", v.servers().get(0).address().toString());
        assertEquals(ForwardMethod.GATE, v.servers().get(0).method());
        assertEquals(1, v.servers().get(0).weight());
        assertEquals(IpvsadmList.HEADER
                + "TCP  192.168.1.100:80 rr\n"
                + "  -> 192.168.1.10:80              Route   1      0          0         \n"
                + "  -> 192.168.1.11:80              Route   1      0          0         \n", IpvsadmList.write(c));
    }

    @Test
    void seed002CommandsLoad() {
        String director = """
                ip addr add 100.222.111.1/24 dev ens32
                ipvsadm -A -t 100.222.111.1:8000 -s rr
                ipvsadm -a -t 100.222.111.1:8000 -r 1.65.15.143:80 -m
                ipvsadm -a -t 100.222.111.1:8000 -r 1.65.15.144:80 -m
                iptables -t nat -A POSTROUTING -m ipvs --vaddr 100.222.111.1 --vport 8000 -j MASQUERADE
                """;
        HostConfigBuilder h = new HostConfigBuilder();
        apply(h, director, "seed002-director.sh");
        assertEquals(List.of(), h.diagnostics);
        IpvsConfig c = h.build().ipvs();
        assertEquals(2, c.services().get(0).servers().size());
        assertEquals(ForwardMethod.MASQ, c.services().get(0).servers().get(0).method());
        assertEquals(80, c.services().get(0).servers().get(0).port());
        assertEquals("100.222.111.1/24", h.addresses.get(0).prefix().toString());

        String client = """
                ip addr add 1.65.15.142/24 dev ens32
                ip route add 100.222.111.1 via 1.65.15.141 dev ens32
                """;
        HostConfigBuilder cl = new HostConfigBuilder();
        apply(cl, client, "seed002-client.sh");
        assertEquals(List.of(), cl.diagnostics);
        assertEquals("1.65.15.0/24 dev ens32 proto kernel scope link src 1.65.15.142 \n100.222.111.1 via 1.65.15.141 dev ens32 \n",
                io.fnlab.model.format.iproute.IpRouteShow.write(cl.routes, cl.addresses, "main"));
    }
}
