package io.fnlab.sim.net;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.ipvs.*;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.IfaceMatch;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.HostConfig;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.sim.TestHosts;
import io.fnlab.sim.host.SimHost;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kernel wired to XtTables and IPVS by Network.addHost(Host, servers): kernel-reference section 3. */
class WiredFullnatTest {
    static FlowResult run(String vsConntrack) {
        Network n = new Network(21, true);
        Host c = Fixtures.client().build();
        n.addHost(c, Fixtures.servers());
        Host d = TestHosts.host("director").eth("eth0", "front", "10.0.1.1/24").eth("eth1", "back", "10.0.2.1/24").forward()
                .sysctl("net.ipv4.vs.conntrack", vsConntrack)
                .rule(TableName.NAT, "POSTROUTING", new Masquerade(null, false, false), new IfaceMatch(IfaceMatch.Direction.OUT, "eth1", false))
                .build();
        VirtualService vs = new VirtualService(ServiceKey.tcp(Ipv4.parse("10.0.1.1"), 80), "rr", Set.of(), null, null,
                List.of(new RealServer(Ipv4.parse("10.0.2.10"), 8080, ForwardMethod.MASQ, 1, 0, 0)));
        HostConfig cfg = d.config();
        d = new Host(d.name(), d.role(), d.interfaces(), new HostConfig(cfg.iptables(), cfg.ipsets(), new IpvsConfig(List.of(vs), null, List.of()),
                cfg.addresses(), cfg.routes(), cfg.rules(), cfg.sysctls(), cfg.diagnostics()), d.source());
        SimHost dh = n.addHost(d, Fixtures.servers());
        assertNotNull(n.ipvs("director"));
        Host s = Fixtures.server().eth("eth1", "front", "10.0.1.20/24").build();
        n.addHost(s, Fixtures.servers());
        FlowResult r = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
        assertTrue(dh.hookTable().stream().anyMatch(l -> l.contains("ip_vs_in_hook")), "IPVS registered its hooks");
        return r;
    }

    @Test
    void masqueradeAppliesToIpvsTrafficWithVsConntrackOne() {
        FlowResult r = run("1");
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> EndToEndTest.dump(r));
        assertEquals(Ipv4.parse("10.0.2.1"), r.serverView().src());
    }

    @Test
    void withVsConntrackZeroTheRealServerAnswersDirectlyAndTheClientResets() {
        FlowResult r = run("0");
        assertEquals(Outcome.TIMEOUT, r.outcome(), () -> EndToEndTest.dump(r)); // connect() times out; the stack sent the RST
        assertTrue(r.detail().startsWith("sent RST"), r::detail);
    }
}
