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
import io.fnlab.model.netfilter.targets.Redirect;
import io.fnlab.model.netfilter.targets.Reject;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.MiniWalker;
import io.fnlab.sim.TestHosts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the stack itself answers: RST for no socket, REJECT, echo replies, REDIRECT. */
class StackAnswersTest {
    static TestHosts.B lanClient() {
        return TestHosts.host("client").eth("eth0", "back", "10.0.2.2/24");
    }

    static FlowResult run(TestHosts.B server, Traffic.Flow f, List<Server> servers) {
        Network n = new Network(3, true);
        n.addHost(lanClient().build(), servers, new MiniWalker());
        n.addHost(server.build(), servers, new MiniWalker());
        return n.run(List.of(f)).get(0);
    }

    @Test
    void aSynToAClosedTcpPortIsReset() {
        FlowResult r = run(Fixtures.server(), Fixtures.tcp("x", "client", "10.0.2.10:81"), Fixtures.servers());
        assertEquals(Outcome.RESET, r.outcome(), () -> EndToEndTest.dump(r));
        assertTrue(r.detail().contains("RST from 10.0.2.10:81"), r.detail());
    }

    @Test
    void rejectWithTcpResetAndWithPortUnreachable() {
        TestHosts.B reset = Fixtures.server().rule(TableName.FILTER, "INPUT", new Reject("tcp-reset"), new ProtoMatch(Protocol.TCP, false),
                new TcpMatch(null, new PortSpec(PortRange.single(8080), false), null, null, false));
        FlowResult r = run(reset, Fixtures.tcp("x", "client", "10.0.2.10:8080"), Fixtures.servers());
        assertEquals(Outcome.RESET, r.outcome(), () -> EndToEndTest.dump(r));
        assertNull(r.servedByHost(), "the listener never saw the SYN");

        TestHosts.B unreach = Fixtures.server().rule(TableName.FILTER, "INPUT", new Reject(Reject.DEFAULT), new ProtoMatch(Protocol.TCP, false));
        FlowResult u = run(unreach, Fixtures.tcp("x", "client", "10.0.2.10:8080"), Fixtures.servers());
        assertEquals(Outcome.REFUSED, u.outcome(), () -> EndToEndTest.dump(u));
        assertTrue(u.detail().contains("port unreachable"), u.detail());
    }

    @Test
    void pingIsAnsweredByIcmpEcho() {
        FlowResult r = run(Fixtures.server(), new Traffic.Flow("p", "client", Protocol.ICMP, new Endpoint(Ipv4.parse("10.0.2.10"), 0),
                null, null, false, 1, 0, SourceRef.UNKNOWN), List.of());
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> EndToEndTest.dump(r));
    }

    @Test
    void redirectSendsToTheIncomingDevicesAddress() {
        TestHosts.B s = Fixtures.server().rule(TableName.NAT, "PREROUTING", new Redirect(PortRange.single(8080), false),
                new ProtoMatch(Protocol.TCP, false), new TcpMatch(null, new PortSpec(PortRange.single(80), false), null, null, false));
        FlowResult r = run(s, Fixtures.tcp("x", "client", "10.0.2.10:80"), Fixtures.servers());
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> EndToEndTest.dump(r));
        assertEquals(new Endpoint(Ipv4.parse("10.0.2.10"), 8080), new Endpoint(r.serverView().dst(), r.serverView().dport()));
        assertEquals(80, r.clientView().dport());
    }

    @Test
    void repeatUsesTheNextEphemeralPort() {
        Network n = new Network(5, true);
        n.addHost(lanClient().build(), Fixtures.servers(), new MiniWalker());
        n.addHost(Fixtures.server().build(), Fixtures.servers(), new MiniWalker());
        FlowResult[] rs = n.run(List.of(new Traffic.Flow("r", "client", Protocol.TCP, Endpoint.parse("10.0.2.10:8080"), null, "x", true, 3, 0,
                SourceRef.UNKNOWN))).toArray(FlowResult[]::new);
        assertEquals(3, rs.length);
        for (FlowResult r : rs) assertEquals(Outcome.ESTABLISHED, r.outcome());
        assertEquals(0, rs[0].clientView().sport() % 2, "connect() prefers even ports");
        assertEquals(rs[0].clientView().sport() + 2, rs[1].clientView().sport());
        assertEquals("r#3", rs[2].connection());
    }

    @Test
    void repeatFromAFixedSportStepsThePort() {
        Network n = new Network(5, true);
        n.addHost(lanClient().build(), Fixtures.servers(), new MiniWalker());
        n.addHost(Fixtures.server().build(), Fixtures.servers(), new MiniWalker());
        FlowResult[] rs = n.run(List.of(new Traffic.Flow("r", "client", Protocol.TCP, Endpoint.parse("10.0.2.10:8080"), 40000, "x", true, 3, 0,
                SourceRef.UNKNOWN))).toArray(FlowResult[]::new);
        for (int k = 0; k < 3; k++) {
            assertEquals(Outcome.ESTABLISHED, rs[k].outcome());
            assertEquals(40000 + k, rs[k].clientView().sport(), "the lab's probes bind sport+k too");
        }
    }

    @Test
    void aDroppedFirstSynIsRetransmittedAfterOneSecond() {
        Network n = new Network(6, true);
        n.addHost(lanClient().build(), Fixtures.servers(), new MiniWalker());
        io.fnlab.sim.host.SimHost s = n.addHost(Fixtures.server().build(), Fixtures.servers(), new MiniWalker());
        int[] seen = {0};
        s.hooks().register(new io.fnlab.sim.netfilter.HookOps(io.fnlab.model.netfilter.Hook.INPUT, 99, "test", "drop_first_syn",
                (skb, st) -> skb.tcpFlags == 2 && seen[0]++ == 0 ? io.fnlab.sim.netfilter.NfVerdict.DROP : io.fnlab.sim.netfilter.NfVerdict.ACCEPT));
        FlowResult r = n.run(List.of(Fixtures.tcp("x", "client", "10.0.2.10:8080"))).get(0);
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> EndToEndTest.dump(r));
        assertEquals(2, seen[0]);
        assertTrue(r.traces().get(0).disposition().contains("drop_first_syn"), r.traces().get(0).disposition());
        assertTrue(EndToEndTest.steps(r).stream().anyMatch(x -> x instanceof io.fnlab.sim.trace.Step.Note nt
                && nt.text().contains("SYN retransmission 1")));
    }

    @Test
    void hostUnreachableAbortsATcpConnectButIsASoftErrorForUdp() {
        Network n = Fixtures.network(new MiniWalker(), Fixtures.client(), Fixtures.director(false), Fixtures.server());
        List<FlowResult> rs = n.run(List.of(Fixtures.tcp("t", "client", "10.0.2.99:80"), Fixtures.udp("u", "client", "10.0.2.99:53")));
        assertEquals(Outcome.REFUSED, rs.get(0).outcome(), () -> EndToEndTest.dump(rs.get(0)));
        assertTrue(rs.get(0).detail().contains("host unreachable from 10.0.1.1"), rs.get(0).detail());
        assertEquals(Outcome.TIMEOUT, rs.get(1).outcome(), () -> EndToEndTest.dump(rs.get(1)));
    }

    /**
     * A router's next hop that never answers ARP: the packet waits on the INCOMPLETE entry and the
     * host unreachable comes when it fails, 3 probes x 1 s later, so a client that gives up after
     * 1 s sees a timeout (the real kernel did: DifferentialKernelTest seed 777 case 120).
     */
    @Test
    void hostUnreachableForAnUnansweredNextHopComesWhenTheNeighbourFails() {
        Network n = Fixtures.network(new MiniWalker(), Fixtures.client(), Fixtures.director(false), Fixtures.server());
        n.clientTimeout(1000);
        FlowResult r = n.run(List.of(Fixtures.tcp("t", "client", "10.0.2.99:80"))).get(0);
        assertEquals(Outcome.TIMEOUT, r.outcome(), () -> EndToEndTest.dump(r));
        assertTrue(r.traces().get(0).disposition().contains("3000 ms later"), r.traces().get(0).disposition());
    }
}
