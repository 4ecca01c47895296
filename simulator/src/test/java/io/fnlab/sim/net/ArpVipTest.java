package io.fnlab.sim.net;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Protocol;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Server;
import io.fnlab.sim.MiniWalker;
import io.fnlab.sim.TestHosts;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kernel-reference section 9: in DR the VIP sits on each real server's lo; unless arp_ignore=1
 * the real server answers ARP for it too, and a client may reach it directly, bypassing the director.
 */
class ArpVipTest {
    static final List<Server> SERVERS = List.of(new Server("rs", Protocol.TCP, null, 80, "from rs"),
            new Server("director", Protocol.TCP, null, 80, "from director"));

    static FlowResult run(String arpIgnore) {
        Network n = new Network(9, true);
        n.addHost(TestHosts.host("client").eth("eth0", "lan", "10.0.0.2/24").build(), SERVERS, new MiniWalker());
        // the real server is first on the segment: its ARP reply arrives first
        TestHosts.B rs = TestHosts.host("rs").eth("eth0", "lan", "10.0.0.10/24").addr("lo", "10.0.0.100/32");
        if (arpIgnore != null) rs.sysctl("net.ipv4.conf.all.arp_ignore", arpIgnore);
        n.addHost(rs.build(), SERVERS, new MiniWalker());
        n.addHost(TestHosts.host("director").eth("eth0", "lan", "10.0.0.1/24").addr("eth0", "10.0.0.100/32").build(), SERVERS,
                new MiniWalker());
        return n.run(List.of(Fixtures.tcp("vip", "client", "10.0.0.100:80"))).get(0);
    }

    @Test
    void withArpIgnoreZeroTheRealServerAnswersForTheVip() {
        FlowResult r = run(null);
        assertEquals(Outcome.ESTABLISHED, r.outcome());
        assertEquals("rs", r.servedByHost(), () -> EndToEndTest.dump(r));
    }

    @Test
    void withArpIgnoreOneOnlyTheDirectorAnswers() {
        FlowResult r = run("1");
        assertEquals(Outcome.ESTABLISHED, r.outcome());
        assertEquals("director", r.servedByHost(), () -> EndToEndTest.dump(r));
    }
}
