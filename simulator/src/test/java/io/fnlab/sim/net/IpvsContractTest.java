package io.fnlab.sim.net;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.IfaceMatch;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Server;
import io.fnlab.sim.MiniWalker;
import io.fnlab.sim.TestHosts;
import io.fnlab.sim.host.IpStack;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.netfilter.HookOps;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.netfilter.Priorities;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What IPVS needs from the host, exercised by stand-in hook functions shaped like ip_vs_nat_xmit,
 * ip_vs_dr_xmit and the reply out hook (the ipvs package has the real ones): STOLEN plus
 * re-injection through localOut, alterReply, untrack, knownNextHop.
 */
class IpvsContractTest {
    static final int VIP = Ipv4.parse("10.0.1.1").bits(), RIP = Ipv4.parse("10.0.2.10").bits();

    /** ip_vs_nat_xmit in miniature: route to the real server, rewrite, conntrack or not, LOCAL_OUT, STOLEN. */
    static void masq(SimHost d, boolean vsConntrack) {
        IpStack st = d.stack();
        d.hooks().register(new HookOps(Hook.INPUT, Priorities.IPVS_REQUEST_LOCAL_IN, "ip_vs", "ip_vs_in_hook", (skb, s) -> {
            if (skb.ipvsProperty || skb.daddr != VIP || skb.dport != 80) return NfVerdict.ACCEPT;
            skb.daddr = RIP;
            if (!st.routeOutput(skb)) return NfVerdict.DROP;
            skb.dport = 8080;
            skb.ipvsProperty = true;
            if (vsConntrack) {
                FiveTuple o = st.conntrack().original(skb);
                if (o != null && !st.conntrack().isReply(skb))
                    st.conntrack().alterReply(skb, new FiveTuple(Protocol.TCP, new Ipv4(RIP), 8080, o.src(), o.sport()));
            } else {
                st.conntrack().untrack(skb);
            }
            st.localOut(skb);
            return NfVerdict.STOLEN;
        }));
        d.hooks().register(new HookOps(Hook.FORWARD, Priorities.IPVS_REPLY_FORWARD, "ip_vs", "ip_vs_out_hook", (skb, s) -> {
            if (skb.saddr == RIP && skb.sport == 8080) {
                skb.saddr = VIP;
                skb.sport = 80;
                skb.ipvsProperty = true;
            }
            return NfVerdict.ACCEPT;
        }));
    }

    static FlowResult fullnat(boolean vsConntrack) {
        return fullnat(vsConntrack, "1");
    }

    static FlowResult fullnat(boolean vsConntrack, String ipForward) {
        Network n = new Network(11, true);
        MiniWalker w = new MiniWalker();
        n.addHost(Fixtures.client().build(), Fixtures.servers(), w);
        SimHost d = n.addHost(TestHosts.host("director").eth("eth0", "front", "10.0.1.1/24").eth("eth1", "back", "10.0.2.1/24")
                .sysctl("net.ipv4.ip_forward", ipForward).rule(TableName.NAT, "POSTROUTING", new Masquerade(null, false, false),
                        new IfaceMatch(IfaceMatch.Direction.OUT, "eth1", false)).build(), Fixtures.servers(), w);
        masq(d, vsConntrack);
        // the real server can also reach the client's network directly
        n.addHost(Fixtures.server().eth("eth1", "front", "10.0.1.20/24").build(), Fixtures.servers(), w);
        return n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
    }

    @Test
    void fullnatWorksWithVsConntrackOne() {
        FlowResult r = fullnat(true);
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> EndToEndTest.dump(r));
        assertEquals(Ipv4.parse("10.0.2.1"), r.serverView().src(), "MASQUERADE applied to the IPVS-forwarded packet");
    }

    @Test
    void withVsConntrackZeroMasqueradeNeverAppliesAndTheClientResets() {
        FlowResult r = fullnat(false);
        assertEquals(Outcome.TIMEOUT, r.outcome(), () -> EndToEndTest.dump(r)); // connect() times out; the stack sent the RST
        assertTrue(r.detail().startsWith("sent RST"), r::detail);
        // untracked: nf_nat returned ACCEPT without a binding, so the SYN reached the server from the client's
        // own address and the server answered it directly, from RIP
        assertTrue(r.detail().contains("10.0.2.10:8080"), r.detail());
        assertNull(r.servedByHost(), "the handshake never completed");
        assertTrue(EndToEndTest.steps(r).stream().anyMatch(s -> s instanceof io.fnlab.sim.trace.Step.Received rc
                && rc.packet().equals("TCP 10.0.1.2:" + r.clientView().sport() + " > 10.0.2.10:8080 [S]")), () -> EndToEndTest.dump(r));
    }

    @Test
    void directRoutingSendsTheUnchangedPacketToTheRealServersMac() {
        Network n = new Network(12, true);
        MiniWalker w = new MiniWalker();
        List<Server> servers = List.of(new Server("rs", Protocol.TCP, null, 80, "from rs"));
        n.addHost(TestHosts.host("client").eth("eth0", "lan", "10.0.0.2/24").build(), servers, w);
        SimHost d = n.addHost(TestHosts.host("director").eth("eth0", "lan", "10.0.0.1/24").addr("eth0", "10.0.0.100/32").build(),
                servers, w);
        n.addHost(TestHosts.host("rs").eth("eth0", "lan", "10.0.0.10/24").addr("lo", "10.0.0.100/32")
                .sysctl("net.ipv4.conf.all.arp_ignore", "1").sysctl("net.ipv4.conf.all.arp_announce", "2").build(), servers, w);
        int vip = Ipv4.parse("10.0.0.100").bits(), rip = Ipv4.parse("10.0.0.10").bits();
        d.hooks().register(new HookOps(Hook.INPUT, Priorities.IPVS_REQUEST_LOCAL_IN, "ip_vs", "ip_vs_in_hook", (skb, s) -> {
            if (skb.ipvsProperty || skb.daddr != vip) return NfVerdict.ACCEPT;
            skb.daddr = rip;
            boolean ok = d.stack().routeOutput(skb);
            skb.daddr = vip;
            if (!ok) return NfVerdict.DROP;
            skb.knownNextHop = rip;
            skb.ipvsProperty = true;
            d.stack().conntrack().untrack(skb);
            d.stack().localOut(skb);
            return NfVerdict.STOLEN;
        }));
        FlowResult r = n.run(List.of(Fixtures.tcp("dr", "client", "10.0.0.100:80"))).get(0);
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> EndToEndTest.dump(r));
        assertEquals("rs", r.servedByHost());
        assertEquals(new Ipv4(vip), r.serverView().dst(), "DR leaves the destination alone");
        assertEquals(Ipv4.parse("10.0.0.2"), r.serverView().src());
    }

    static FlowResult tunnel(String tunlRpFilter) {
        Network n = new Network(13, true);
        MiniWalker w = new MiniWalker();
        List<Server> servers = List.of(new Server("rs", Protocol.TCP, null, 80, "from rs"));
        n.addHost(TestHosts.host("client").eth("eth0", "lan", "10.0.0.2/24").build(), servers, w);
        SimHost d = n.addHost(TestHosts.host("director").eth("eth0", "lan", "10.0.0.1/24").addr("eth0", "10.0.0.100/32").build(),
                servers, w);
        n.addHost(TestHosts.host("rs").eth("eth0", "lan", "10.0.0.10/24").ipip("tunl0").addr("tunl0", "10.0.0.100/32")
                .sysctl("net.ipv4.conf.all.arp_ignore", "1").sysctl("net.ipv4.conf.tunl0.rp_filter", tunlRpFilter).build(), servers, w);
        int vip = Ipv4.parse("10.0.0.100").bits(), rip = Ipv4.parse("10.0.0.10").bits();
        d.hooks().register(new HookOps(Hook.INPUT, Priorities.IPVS_REQUEST_LOCAL_IN, "ip_vs", "ip_vs_in_hook", (skb, s) -> {
            if (skb.ipvsProperty || skb.daddr != vip) return NfVerdict.ACCEPT;
            io.fnlab.sim.skb.SkBuff inner = skb.copy();
            inner.dst = null;
            inner.nfct = null;
            skb.inner = inner;
            skb.protocol = 4;
            skb.saddr = 0;
            skb.daddr = rip;
            skb.sport = 0;
            skb.dport = 0;
            if (!d.stack().routeOutput(skb)) return NfVerdict.DROP;
            skb.ipvsProperty = true;
            d.stack().conntrack().untrack(skb);
            d.stack().ipLocalOut(skb);
            return NfVerdict.STOLEN;
        }));
        return n.run(List.of(Fixtures.tcp("tun", "client", "10.0.0.100:80"))).get(0);
    }

    @Test
    void ipipToARealServerIsDecapsulatedOnTunl0() {
        FlowResult r = tunnel("0");
        assertEquals(Outcome.ESTABLISHED, r.outcome(), () -> EndToEndTest.dump(r));
        assertEquals("rs", r.servedByHost());
        assertEquals(Ipv4.parse("10.0.0.100"), r.serverView().dst());
    }

    @Test
    void strictRpFilterOnTunl0DropsTheDecapsulatedPacket() {
        FlowResult r = tunnel("1");
        assertEquals(Outcome.TIMEOUT, r.outcome(), () -> EndToEndTest.dump(r));
        assertTrue(r.traces().get(0).disposition().contains("rp_filter=1"), r.traces().get(0).disposition());
    }

    @Test
    void withIpForwardZeroTheSynReachesTheServerButTheSynAckDiesOnTheDirector() {
        FlowResult r = fullnat(true, "0");
        assertEquals(Outcome.TIMEOUT, r.outcome(), () -> EndToEndTest.dump(r));
        io.fnlab.sim.trace.Trace synAck = r.traces().stream().filter(t -> t.hops().get(0).host().equals("server")).findFirst().orElseThrow();
        assertTrue(synAck.disposition().startsWith("dropped on director by ip_error: forwarding is disabled on eth1"), synAck.disposition());
    }
}
