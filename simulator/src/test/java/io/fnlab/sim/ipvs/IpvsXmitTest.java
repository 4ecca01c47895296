package io.fnlab.sim.ipvs;

import static io.fnlab.sim.ipvs.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.netfilter.HookOps;
import io.fnlab.sim.netfilter.HookRegistry;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.netfilter.Priorities;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IpvsXmitTest {
    static final HookState IN = new HookState(Hook.INPUT, "eth0", null);
    static final HookState FWD = new HookState(Hook.FORWARD, "eth1", "eth0");
    static final Ipv4 RIP = Ipv4.parse("10.1.0.1");
    static final Ipv4 DIP = Ipv4.parse("10.1.0.254");

    @Test
    void hooksRegisteredAtKernelPrioritiesOnlyWithAService() {
        HookRegistry none = new HookRegistry();
        Ipvs.attach(io.fnlab.model.ipvs.IpvsConfig.EMPTY, none, new FakeStack());
        assertTrue(none.all().isEmpty());
        HookRegistry reg = new HookRegistry();
        Ipvs ipvs = Ipvs.attach(io.fnlab.model.ipvs.IpvsConfig.EMPTY, reg, new FakeStack());
        ipvs.addService(tcp("rr", rs("10.1.0.1", 1)));
        Set<String> got = reg.all().stream().map(o -> o.hook() + " " + o.priority() + " " + o.function()).collect(Collectors.toSet());
        assertEquals(Set.of("INPUT 98 ip_vs_out_hook", "INPUT 99 ip_vs_in_hook", "OUTPUT -99 ip_vs_out_hook",
                "OUTPUT -98 ip_vs_in_hook", "FORWARD 99 ip_vs_forward_icmp", "FORWARD 100 ip_vs_out_hook"), got);
        ipvs.addService(new io.fnlab.model.ipvs.VirtualService(io.fnlab.model.ipvs.ServiceKey.udp(VIP, 53), "rr", Set.of(),
                null, null, List.of(rs("10.1.0.1", 53, ForwardMethod.MASQ, 1))));
        assertEquals(6, reg.all().size());
        assertTrue(reg.all().stream().allMatch(o -> o.owner().equals(Ipvs.OWNER)));
        assertEquals(Priorities.IPVS_REQUEST_LOCAL_IN, 99);
    }

    @Test
    void masqWithoutConntrackRewritesUntracksAndReinjects() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        SkBuff skb = syn(40000);
        FakeStack.FakeConntrack.attachNew(skb);
        assertEquals(NfVerdict.STOLEN, ipvs.inHook(skb, IN));
        assertEquals(1, st.localOut.size());
        SkBuff out = st.localOut.get(0);
        assertEquals(RIP, out.dst());
        assertEquals(8080, out.dport);
        assertEquals(CIP, out.src());
        assertEquals(40000, out.sport);
        assertTrue(out.ipvsProperty);
        assertTrue(out.untracked);
        assertEquals(63, out.ttl);
        assertTrue(st.ct.altered.isEmpty());
        assertTrue(out.ipvsConn instanceof IpvsConn c && c.method().equals("MASQ") && c.vport() == 80);
        assertTrue(st.steps.stream().anyMatch(s -> s instanceof Step.IpvsSchedule i && "10.1.0.1:8080".equals(i.server())
                && i.reason().startsWith("rr:")));
        assertTrue(st.steps.stream().anyMatch(s -> s instanceof Step.Rewrite r && r.kind().equals("DNAT")));
    }

    @Test
    void masqWithConntrackAltersTheReplyTuple() {
        FakeStack st = new FakeStack().sysctl("net.ipv4.vs.conntrack", "1");
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        SkBuff skb = syn(40000);
        FakeStack.Entry e = FakeStack.FakeConntrack.attachNew(skb);
        assertEquals(NfVerdict.STOLEN, ipvs.inHook(skb, IN));
        SkBuff out = st.localOut.get(0);
        assertFalse(out.untracked);
        assertEquals(0, st.ct.untracked);
        // original stays CIP:cport -> VIP:vport; reply is RIP:rport -> CIP:cport
        assertEquals(new FiveTuple(Protocol.TCP, CIP, 40000, VIP, 80), e.original);
        assertEquals(new FiveTuple(Protocol.TCP, RIP, 8080, CIP, 40000), e.reply);
    }

    @Test
    void handleResponseRestoresVipAndUpdatesState() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        ipvs.inHook(syn(40000), IN);
        IpvsConn cp = ipvs.connections().all().get(0);
        assertEquals("SYN_RECV", cp.stateName());
        SkBuff synack = pkt(RIP, 8080, CIP, 40000, SYN | ACK);
        assertEquals(NfVerdict.ACCEPT, ipvs.outHook(synack, FWD));
        assertEquals(VIP, synack.src());
        assertEquals(80, synack.sport);
        assertTrue(synack.ipvsProperty);
        assertTrue(synack.untracked);
        assertEquals("SYN_RECV", cp.stateName()); // output syn row keeps SYN_RECV
        SkBuff ack = pkt(CIP, 40000, VIP, 80, ACK);
        assertEquals(NfVerdict.STOLEN, ipvs.inHook(ack, IN));
        assertEquals("ESTABLISHED", cp.stateName());
        assertEquals(900_000, cp.timeoutMs());
        assertEquals(1, cp.dest().activeConns());
        // a packet already handled is skipped by every IPVS hook
        assertEquals(NfVerdict.ACCEPT, ipvs.inHook(st.localOut.get(1), IN));
        assertEquals(NfVerdict.ACCEPT, ipvs.outHook(synack, FWD));
    }

    @Test
    void handleResponseWithConntrackAltersReplyDestinationOnlyInOriginalDirection() {
        FakeStack st = new FakeStack().sysctl("net.ipv4.vs.conntrack", "1");
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        SkBuff s = syn(40000);
        FakeStack.FakeConntrack.attachNew(s);
        ipvs.inHook(s, IN);
        SkBuff synack = pkt(RIP, 8080, CIP, 40000, SYN | ACK);
        FakeStack.Entry e = FakeStack.FakeConntrack.attachNew(synack);
        e.confirmed = true; // seen in reply direction of a confirmed entry: nothing altered
        synack.ctinfo = 3;
        ipvs.outHook(synack, FWD);
        assertEquals(1, st.ct.altered.size());
        assertFalse(synack.untracked);
    }

    @Test
    void snatRerouteRoutesTheReplyAgainExceptAtLocalIn() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        ipvs.inHook(syn(40000), IN);
        SkBuff r1 = pkt(RIP, 8080, CIP, 40000, ACK);
        ipvs.outHook(r1, FWD);
        assertNotNull(r1.dst);
        FakeStack st0 = new FakeStack().sysctl("net.ipv4.vs.snat_reroute", "0");
        Ipvs i0 = ipvs(st0, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        i0.inHook(syn(40000), IN);
        SkBuff r0 = pkt(RIP, 8080, CIP, 40000, ACK);
        i0.outHook(r0, FWD);
        assertNull(r0.dst);
        assertEquals(VIP, r0.src());
    }

    @Test
    void drSendsUnchangedWithKnownNextHop() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 80, ForwardMethod.GATE, 1)));
        SkBuff skb = syn(40000);
        assertEquals(NfVerdict.STOLEN, ipvs.inHook(skb, IN));
        SkBuff out = st.localOut.get(0);
        assertEquals(VIP, out.dst());
        assertEquals(80, out.dport);
        assertEquals(RIP.bits(), out.knownNextHop);
        assertTrue(out.ipvsProperty);
        assertTrue(out.untracked);
        IpvsConn cp = ipvs.connections().all().get(0);
        assertEquals("GATE", cp.method());
        // DR sees only input: the INPUT-ONLY rows; the client's ACK establishes
        ipvs.inHook(pkt(CIP, 40000, VIP, 80, ACK), IN);
        assertEquals("ESTABLISHED", cp.stateName());
        // FIN from the client in INPUT-ONLY: ESTABLISHED -> FIN_WAIT (input row would give CLOSE_WAIT)
        ipvs.inHook(pkt(CIP, 40000, VIP, 80, FIN | ACK), IN);
        assertEquals("FIN_WAIT", cp.stateName());
        assertEquals(0, cp.dest().activeConns());
        assertEquals(1, cp.dest().inactConns());
    }

    @Test
    void tunnelEncapsulatesInPlace() {
        FakeStack st = new FakeStack();
        st.routeSource = DIP.bits();
        Ipvs ipvs = ipvs(st, tcp("wrr", rs("10.1.0.1", 80, ForwardMethod.IPIP, 1)));
        SkBuff skb = syn(40000);
        assertEquals(NfVerdict.STOLEN, ipvs.inHook(skb, IN));
        SkBuff out = st.localOut.get(0);
        assertEquals(4, out.protocol);
        assertEquals(RIP, out.dst());
        assertEquals(DIP, out.src());
        assertNotNull(out.inner);
        assertEquals(VIP, out.inner.dst());
        assertEquals(CIP, out.inner.src());
        assertEquals(6, out.inner.protocol);
        assertEquals(SYN, out.inner.tcpFlags);
        assertEquals(63, out.ttl);
        assertTrue(out.ipvsProperty);
    }

    @Test
    void unreachableRealServerDropsInsideXmit() {
        FakeStack st = new FakeStack();
        st.unreachable.add(RIP.bits());
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 80, ForwardMethod.MASQ, 1)));
        assertEquals(NfVerdict.STOLEN, ipvs.inHook(syn(1), IN));
        assertTrue(st.localOut.isEmpty());
        assertTrue(st.steps.stream().anyMatch(s -> s instanceof Step.Dropped d && d.reason().contains("no route")));
    }

    @Test
    void localRealServerContinuesToLocalDelivery() {
        FakeStack st = new FakeStack();
        st.local.add(RIP.bits());
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        SkBuff skb = syn(1);
        assertEquals(NfVerdict.ACCEPT, ipvs.inHook(skb, IN));
        assertEquals(RIP, skb.dst());
        assertTrue(st.localOut.isEmpty());
    }

    @Test
    void noDestinationSendsPortUnreachable() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 0)));
        assertEquals(NfVerdict.DROP, ipvs.inHook(syn(1), IN));
        assertEquals(1, st.icmp.size());
        assertTrue(st.icmp.get(0).startsWith("3/3"));
        assertTrue(st.steps.stream().anyMatch(s -> s instanceof Step.IpvsSchedule i && i.server() == null
                && i.reason().contains("no destination available")));
    }

    @Test
    void packetsNotForAServicePassUntouched() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 1)));
        SkBuff other = SkBuff.tcp(CIP, 1, VIP, 22, SYN);
        assertEquals(NfVerdict.ACCEPT, ipvs.inHook(other, IN));
        SkBuff ping = new SkBuff();
        ping.protocol = 1;
        ping.saddr = CIP.bits();
        ping.daddr = VIP.bits();
        ping.dport = 8 << 8;
        assertEquals(NfVerdict.ACCEPT, ipvs.inHook(ping, IN));
        assertEquals(0, ipvs.connections().size());
    }

    @Test
    void icmpErrorFromClientSideGoesToTheRealServer() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        ipvs.inHook(syn(40000), IN);
        SkBuff err = new SkBuff();
        err.protocol = 1;
        err.saddr = Ipv4.parse("192.0.2.1").bits();
        err.daddr = VIP.bits();
        err.dport = (3 << 8) | 4; // frag needed
        err.icmpInner = pkt(VIP, 80, CIP, 40000, ACK);
        assertEquals(NfVerdict.STOLEN, ipvs.inHook(err, IN));
        SkBuff out = st.localOut.get(1);
        assertEquals(RIP, out.dst());
        assertEquals(RIP, out.icmpInner.src());
        assertEquals(8080, out.icmpInner.sport);
    }

    @Test
    void icmpErrorFromRealServerSideLooksLikeTheVip() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        ipvs.inHook(syn(40000), IN);
        SkBuff err = new SkBuff();
        err.protocol = 1;
        err.saddr = RIP.bits();
        err.daddr = CIP.bits();
        err.dport = (3 << 8) | 3;
        err.icmpInner = pkt(CIP, 40000, RIP, 8080, SYN);
        assertEquals(NfVerdict.ACCEPT, ipvs.outHook(err, FWD));
        assertEquals(VIP, err.src());
        assertEquals(VIP, err.icmpInner.dst());
        assertEquals(80, err.icmpInner.dport);
    }

    @Test
    void natIcmpSendAnswersStrayRealServerPackets() {
        FakeStack st = new FakeStack().sysctl("net.ipv4.vs.nat_icmp_send", "1");
        Ipvs ipvs = ipvs(st, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        assertEquals(NfVerdict.DROP, ipvs.outHook(pkt(RIP, 8080, CIP, 5555, ACK), FWD));
        assertEquals(NfVerdict.ACCEPT, ipvs.outHook(pkt(RIP, 8080, CIP, 5555, RST), FWD));
        FakeStack st0 = new FakeStack();
        Ipvs i0 = ipvs(st0, tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1)));
        assertEquals(NfVerdict.ACCEPT, i0.outHook(pkt(RIP, 8080, CIP, 5555, ACK), FWD));
        assertTrue(st0.icmp.isEmpty());
    }

    @Test
    void hookOpsRunTheRealFunctions() {
        FakeStack st = new FakeStack();
        HookRegistry reg = new HookRegistry();
        Ipvs.attach(new io.fnlab.model.ipvs.IpvsConfig(List.of(tcp("rr", rs("10.1.0.1", 8080, ForwardMethod.MASQ, 1))),
                null, List.of()), reg, st);
        HookOps in = null;
        for (HookOps o : reg.ops(Hook.INPUT)) if (o.function().equals("ip_vs_in_hook")) in = o;
        assertNotNull(in);
        assertEquals(NfVerdict.STOLEN, in.fn().hook(syn(1), IN));
    }

    @Test
    void unknownSchedulerIsReportedNotGuessed() {
        FakeStack st = new FakeStack();
        Ipvs ipvs = ipvs(st, tcp("twos", rs("10.1.0.1", 1)));
        assertEquals(NfVerdict.DROP, ipvs.inHook(syn(1), IN));
        assertTrue(st.steps.stream().anyMatch(s -> s instanceof Step.NotModelled n && n.what().contains("twos")));
    }
}
