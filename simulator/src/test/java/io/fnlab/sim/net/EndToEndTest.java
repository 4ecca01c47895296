package io.fnlab.sim.net;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.sim.MiniWalker;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndToEndTest {
    static List<Step> steps(FlowResult r) {
        return r.traces().stream().flatMap(t -> t.hops().stream()).flatMap(h -> h.steps().stream()).toList();
    }

    static String dump(FlowResult r) {
        StringBuilder b = new StringBuilder(r.outcome() + " " + r.detail() + "\n");
        for (Trace t : r.traces()) {
            b.append(t.flow()).append(" -> ").append(t.disposition()).append('\n');
            for (Hop h : t.hops()) {
                b.append("  ").append(h.host()).append(": ").append(h.packet()).append('\n');
                for (Step s : h.steps()) b.append("    ").append(s).append('\n');
            }
        }
        return b.toString();
    }

    @Test
    void dnatAndMasqueradeThroughTheDirectorReachTheServerAndComeBack() {
        MiniWalker w = new MiniWalker();
        Network n = Fixtures.network(w, Fixtures.client(), Fixtures.director(true), Fixtures.server());
        FlowResult r = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> dump(r));
        assertEquals("hello from server", r.response());
        assertEquals("server", r.servedByHost());
        // the server sees the director's back address (MASQUERADE), the client still talks to the VIP
        assertEquals(Ipv4.parse("10.0.2.1"), r.serverView().src());
        assertEquals(8080, r.serverView().dport());
        assertEquals(Fixtures.VIP, r.clientView().dst());
        // the reply was de-NATed on the director
        assertTrue(steps(r).stream().anyMatch(s -> s instanceof Step.Rewrite rw && rw.kind().equals("de-DNAT")), () -> dump(r));
        assertTrue(steps(r).stream().anyMatch(s -> s instanceof Step.Rewrite rw && rw.kind().equals("de-SNAT")), () -> dump(r));
        // the nat table ran for the first packet only: once at PREROUTING, once at POSTROUTING
        assertEquals(1, w.calls.get("nat/PREROUTING"));
        assertEquals(1, w.calls.get("nat/POSTROUTING"));
        if (System.getenv("FNLAB_DUMP") != null) System.out.println(dump(r));
    }

    @Test
    void ipForwardZeroKillsTheForwardedSynOnTheDirector() {
        MiniWalker w = new MiniWalker();
        Network n = Fixtures.network(w, Fixtures.client(), Fixtures.director(true).sysctl("net.ipv4.ip_forward", "0"),
                Fixtures.server());
        FlowResult r = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
        assertEquals(Outcome.TIMEOUT, r.outcome(), () -> dump(r));
        Trace syn = r.traces().get(0);
        assertTrue(syn.disposition().contains("forwarding is disabled"), syn::disposition);
        Hop onDirector = syn.hops().get(1);
        assertEquals("director", onDirector.host());
        assertTrue(onDirector.steps().stream().anyMatch(s -> s instanceof Step.Dropped d && d.by().equals("ip_error")));
        assertNull(r.servedByHost());
    }

    @Test
    void withoutSnatTheServerAnswersDirectlyAndTheClientResetsTheStraySynAck() {
        MiniWalker w = new MiniWalker();
        // the server also sits on the client's segment: its reply to 10.0.1.2 goes there directly, from RIP
        Network n = Fixtures.network(w, Fixtures.client(), Fixtures.director(false),
                Fixtures.server().eth("eth1", "front", "10.0.1.20/24"));
        FlowResult r = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
        assertEquals(Outcome.TIMEOUT, r.outcome(), () -> dump(r)); // connect() times out; the stack sent the RST
        assertTrue(r.detail().startsWith("sent RST"), r::detail);
        assertTrue(r.detail().contains("10.0.2.10:8080"), r.detail());
        assertTrue(steps(r).stream().anyMatch(s -> s instanceof Step.Generated g && g.reason().contains("tcp_v4_send_reset")),
                () -> dump(r));
    }

    @Test
    void udpToAClosedPortThroughDnatComesBackAsPortUnreachableFromTheVip() {
        MiniWalker w = new MiniWalker();
        Network n = Fixtures.network(w, Fixtures.client(), Fixtures.director(true), Fixtures.server());
        FlowResult r = n.run(List.of(Fixtures.udp("dns", "client", "10.0.1.1:53"))).get(0);
        assertEquals(Outcome.REFUSED, r.outcome(), () -> dump(r));
        assertTrue(r.detail().contains("port unreachable from 10.0.1.1"), r.detail());
        assertTrue(steps(r).stream().anyMatch(s -> s instanceof Step.Rewrite rw && rw.kind().equals("ICMP error translation")),
                () -> dump(r));
    }

    @Test
    void udpToAClosedPortOnTheSameSegment() {
        Network n = Fixtures.network(new MiniWalker(), TestHostsAlias.plainClient(), Fixtures.server());
        FlowResult r = n.run(List.of(Fixtures.udp("dns", "client", "10.0.2.10:53"))).get(0);
        assertEquals(Outcome.REFUSED, r.outcome(), () -> dump(r));
        assertTrue(r.detail().contains("port unreachable"), r.detail());
    }

    /** A client directly on the server's segment. */
    static final class TestHostsAlias {
        static io.fnlab.sim.TestHosts.B plainClient() {
            return io.fnlab.sim.TestHosts.host("client").eth("eth0", "back", "10.0.2.2/24");
        }
    }
}
