package io.fnlab.sim.net;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.PortSpec;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.netfilter.targets.NatRange;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.MiniWalker;
import io.fnlab.sim.TestHosts;
import io.fnlab.sim.trace.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatPathTest {
    @Test
    void masqueradeTakesTheOutgoingDevicesAddressNotTheRoutesSrcHint() {
        TestHosts.B d = Fixtures.director(true).addr("eth1", "10.0.3.1/24").route("10.0.2.10/32", null, "eth1", "10.0.3.1", 0, "main");
        Network n = Fixtures.network(new MiniWalker(), Fixtures.client(), d, Fixtures.server().route("10.0.3.0/24", null, "eth0"));
        List<FlowResult> rs = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"),
                new Traffic.Flow("local", "director", Protocol.TCP, Endpoint.parse("10.0.2.10:8080"), null, "hi", true, 1, 5000,
                        SourceRef.UNKNOWN)));
        FlowResult fwd = rs.get(0), local = rs.get(1);
        assertEquals(Outcome.ESTABLISHED, fwd.outcome(), () -> EndToEndTest.dump(fwd));
        assertEquals(Ipv4.parse("10.0.2.1"), fwd.serverView().src(), "inet_select_addr(eth1, 10.0.2.10): primary in the next hop's subnet");
        assertEquals(Outcome.ESTABLISHED, local.outcome(), () -> EndToEndTest.dump(local));
        assertEquals(Ipv4.parse("10.0.3.1"), local.clientView().src(), "a local socket does take the route's src");
        assertTrue(EndToEndTest.steps(fwd).stream().anyMatch(s -> s instanceof Step.Note nt && nt.text().contains("src 10.0.3.1 is not used")));
    }

    @Test
    void twoClientsWithTheSameSourcePortGetDifferentPortsBehindMasquerade() {
        TestHosts.B c2 = TestHosts.host("client2").eth("eth0", "front", "10.0.1.3/24").route("default", "10.0.1.1", "eth0");
        Network n = Fixtures.network(new MiniWalker(), Fixtures.client(), c2, Fixtures.director(true), Fixtures.server());
        List<FlowResult> rs = n.run(List.of(
                new Traffic.Flow("a", "client", Protocol.TCP, Endpoint.parse("10.0.1.1:80"), 40000, "x", false, 1, 0, SourceRef.UNKNOWN),
                new Traffic.Flow("b", "client2", Protocol.TCP, Endpoint.parse("10.0.1.1:80"), 40000, "x", false, 1, 50, SourceRef.UNKNOWN)));
        assertEquals(Outcome.ESTABLISHED, rs.get(0).outcome());
        assertEquals(Outcome.ESTABLISHED, rs.get(1).outcome(), () -> EndToEndTest.dump(rs.get(1)));
        assertEquals(40000, rs.get(0).serverView().sport());
        assertNotEquals(40000, rs.get(1).serverView().sport());
        assertEquals(Ipv4.parse("10.0.2.1"), rs.get(1).serverView().src());
        assertEquals(40000, rs.get(1).clientView().sport(), "the client never sees the translation");
    }

    @Test
    void aNatRuleAfterATerminalNatTargetNeverRuns() {
        MiniWalker w = new MiniWalker();
        TestHosts.B d = Fixtures.director(true).rule(TableName.NAT, "PREROUTING", new Mark(0x1, 0xffffffffL, "--set-mark"),
                new ProtoMatch(Protocol.TCP, false), new TcpMatch(null, new PortSpec(PortRange.single(80), false), null, null, false));
        Network n = Fixtures.network(w, Fixtures.client(), d, Fixtures.server());
        FlowResult r = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
        assertEquals(Outcome.ESTABLISHED, r.outcome());
        assertEquals(1, w.ruleHits.get("nat/PREROUTING/1"), "the DNAT rule matched the first packet only");
        assertNull(w.ruleHits.get("nat/PREROUTING/3"), "the MARK after DNAT never ran");
    }

    @Test
    void dnatToALocalAddressDeliversLocally() {
        TestHosts.B d = TestHosts.host("director").eth("eth0", "front", "10.0.1.1/24")
                .rule(TableName.NAT, "PREROUTING", new Dnat(new NatRange(Ipv4.parse("10.0.1.1"), null, PortRange.single(8080)), false, false),
                        new ProtoMatch(Protocol.TCP, false), new TcpMatch(null, new PortSpec(PortRange.single(80), false), null, null, false));
        Network n = new Network(1, true);
        n.addHost(Fixtures.client().build(), List.of(), new MiniWalker());
        n.addHost(d.build(), List.of(new io.fnlab.model.scenario.Server("director", Protocol.TCP, null, 8080, "local")), new MiniWalker());
        FlowResult r = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> EndToEndTest.dump(r));
        assertEquals("local", r.response());
        assertEquals(8080, r.serverView().dport());
    }

    /**
     * A REJECT in FORWARD after a DNAT: the SYN dies before conntrack confirms its entry, yet the
     * kernel's answer comes back from the address the client connected to, because icmp_send and
     * nf_send_reset attach the entry to the answer (nf_ct_attach) and NAT translates it as RELATED.
     * Seen on a real kernel by the lab's differential test.
     */
    @Test
    void aRejectAfterDnatAnswersFromTheAddressTheClientConnectedTo() {
        for (String with : List.of("icmp-port-unreachable", "tcp-reset")) {
            TestHosts.B d = Fixtures.director(false).rule(TableName.FILTER, "FORWARD",
                    new io.fnlab.model.netfilter.targets.Reject(with), new ProtoMatch(Protocol.TCP, false));
            Network n = Fixtures.network(new MiniWalker(), Fixtures.client(), d, Fixtures.server());
            FlowResult r = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
            assertEquals(with.equals("tcp-reset") ? Outcome.RESET : Outcome.REFUSED, r.outcome(), () -> with + "\n" + EndToEndTest.dump(r));
            assertNull(r.servedByHost());
        }
    }
}
