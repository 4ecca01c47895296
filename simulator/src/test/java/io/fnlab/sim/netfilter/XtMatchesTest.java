package io.fnlab.sim.netfilter;

import static io.fnlab.sim.netfilter.Nf.*;
import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.*;
import io.fnlab.sim.ipset.IpsetRegistry;
import io.fnlab.sim.netfilter.XtContext.CtStateBits;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class XtMatchesTest {
    final FakeXtContext ctx = new FakeXtContext();
    HookState state = st(Hook.INPUT, "eth0", null);
    SkBuff skb = tcp("10.0.0.1", 40000, "10.96.0.10", 80);

    /** True when a rule with these matches matches skb (the rule sets mark 1 and the policy accepts). */
    boolean m(Match... ms) {
        XtTables x = XtTables.build(ruleset(table(TableName.FILTER,
                builtin(state.hook().name(), Chain.Policy.ACCEPT, rule(setMark(0x5a5a), ms)))));
        SkBuff p = skb.copy();
        x.walk(TableName.FILTER, state.hook(), p, state, ctx);
        return p.mark == 0x5a5a;
    }

    static PortSpec notPort(int p) {
        return new PortSpec(PortRange.single(p), true);
    }

    @Test
    void sourceAndDestinationWithNegation() {
        assertTrue(m(src("10.0.0.0/8")));
        assertFalse(m(src("11.0.0.0/8")));
        assertTrue(m(notSrc("11.0.0.0/8")));
        assertFalse(m(notSrc("10.0.0.1/32")));
        assertTrue(m(dst("10.96.0.10")));
        assertFalse(m(new AddrMatch(AddrMatch.Direction.DST, Prefix.parse("10.96.0.10/32"), true)));
        // host bits written in the rule are cleared as iptables does
        assertTrue(m(dst("10.96.0.99/24")));
    }

    @Test
    void interfacesWithWildcardNegationAndNoDevice() {
        assertTrue(m(new IfaceMatch(IfaceMatch.Direction.IN, "eth0", false)));
        assertTrue(m(new IfaceMatch(IfaceMatch.Direction.IN, "eth+", false)));
        assertFalse(m(new IfaceMatch(IfaceMatch.Direction.IN, "eth1", false)));
        assertFalse(m(new IfaceMatch(IfaceMatch.Direction.IN, "eth+", true)));
        assertTrue(m(new IfaceMatch(IfaceMatch.Direction.IN, "lo", true)));
        // INPUT has no out device: -o X never matches, ! -o X always does
        assertFalse(m(new IfaceMatch(IfaceMatch.Direction.OUT, "eth0", false)));
        assertTrue(m(new IfaceMatch(IfaceMatch.Direction.OUT, "eth0", true)));
    }

    @Test
    void protocolAndFragments() {
        assertTrue(m(proto("tcp")));
        assertFalse(m(proto("udp")));
        assertTrue(m(new ProtoMatch(Protocol.UDP, true)));
        assertFalse(m(new ProtoMatch(Protocol.TCP, true)));
        assertTrue(m(proto("all")));
        assertFalse(m(new FragmentMatch(false)));
        assertTrue(m(new FragmentMatch(true)));
        skb.fragment = true;
        assertTrue(m(new FragmentMatch(false)));
        assertFalse(m(new FragmentMatch(true)));
    }

    @Test
    void tcpPortsFlagsAndFragments() {
        assertTrue(m(proto("tcp"), new TcpMatch(null, port(80), null, null, false)));
        assertFalse(m(proto("tcp"), new TcpMatch(null, port(81), null, null, false)));
        assertTrue(m(proto("tcp"), new TcpMatch(null, notPort(81), null, null, false)));
        assertFalse(m(proto("tcp"), new TcpMatch(notPort(40000), null, null, null, false)));
        assertTrue(m(proto("tcp"), new TcpMatch(new PortSpec(new PortRange(1024, 65535), false), null, null, null, false)));
        // --syn: SYN set, RST/ACK/FIN clear
        assertTrue(m(proto("tcp"), new TcpMatch(null, null, TcpMatch.TcpFlags.SYN, null, false)));
        assertFalse(m(proto("tcp"), new TcpMatch(null, null, new TcpMatch.TcpFlags(0x17, 0x02, true), null, false)));
        skb.tcpFlags = 0x12; // SYN-ACK
        assertFalse(m(proto("tcp"), new TcpMatch(null, null, TcpMatch.TcpFlags.SYN, null, false)));
        assertTrue(m(proto("tcp"), new TcpMatch(null, null, new TcpMatch.TcpFlags(0x17, 0x02, true), null, false)));
        // a non-first fragment never matches ports, not even negated ones
        skb.fragment = true;
        assertFalse(m(proto("tcp"), new TcpMatch(null, notPort(1), null, null, false)));
    }

    @Test
    void tcpOptionIsNotModelledAndSaysSo() {
        assertFalse(m(proto("tcp"), new TcpMatch(null, null, null, 2, false)));
        assertTrue(m(proto("tcp"), new TcpMatch(null, null, null, 2, true)));
        assertFalse(ctx.steps(Step.NotModelled.class).isEmpty());
    }

    @Test
    void udpPorts() {
        skb = udp("10.0.0.1", 5353, "10.96.0.10", 53);
        assertTrue(m(proto("udp"), new UdpMatch(null, port(53))));
        assertFalse(m(proto("udp"), new UdpMatch(port(53), null)));
        assertTrue(m(proto("udp"), new UdpMatch(notPort(53), port(53))));
        skb.fragment = true;
        assertFalse(m(proto("udp"), new UdpMatch(null, null)));
    }

    @Test
    void icmpTypeAndCode() {
        skb = tcp("10.0.0.1", 0, "10.0.0.2", 0);
        skb.protocol = 1;
        skb.dport = 3 << 8 | 4; // frag needed
        assertTrue(m(proto("icmp"), new IcmpMatch(3, -1, -1, false)));
        assertTrue(m(proto("icmp"), new IcmpMatch(3, 4, 4, false)));
        assertFalse(m(proto("icmp"), new IcmpMatch(3, 3, 3, false)));
        assertFalse(m(proto("icmp"), new IcmpMatch(8, -1, -1, false)));
        assertTrue(m(proto("icmp"), new IcmpMatch(8, -1, -1, true)));
        assertTrue(m(proto("icmp"), new IcmpMatch(255, -1, -1, false)));
        assertFalse(m(proto("icmp"), new IcmpMatch(255, -1, -1, true)));
    }

    @Test
    void multiport() {
        List<PortRange> ps = List.of(PortRange.single(22), new PortRange(79, 81));
        assertTrue(m(proto("tcp"), new MultiportMatch(MultiportMatch.Kind.DESTINATION, ps, false)));
        assertFalse(m(proto("tcp"), new MultiportMatch(MultiportMatch.Kind.DESTINATION, ps, true)));
        assertFalse(m(proto("tcp"), new MultiportMatch(MultiportMatch.Kind.SOURCE, ps, false)));
        assertTrue(m(proto("tcp"), new MultiportMatch(MultiportMatch.Kind.SOURCE, ps, true)));
        assertTrue(m(proto("tcp"), new MultiportMatch(MultiportMatch.Kind.ANY, List.of(PortRange.single(40000)), false)));
        skb.fragment = true;
        assertFalse(m(proto("tcp"), new MultiportMatch(MultiportMatch.Kind.DESTINATION, ps, true)));
    }

    @Test
    void markAndConnmark() {
        skb.mark = 0x4001;
        assertTrue(m(new MarkMatch(0x4000, 0x4000, false)));
        assertFalse(m(new MarkMatch(0x4000, 0x4000, true)));
        assertFalse(m(new MarkMatch(0x4000, 0xffffffffL, false)));
        ctx.ctMark = 0x20;
        assertTrue(m(new ConnmarkMatch(0x20, 0xff, false)));
        assertFalse(m(new ConnmarkMatch(0x20, 0xff, true)));
        // no conntrack entry: no match, negated or not
        ctx.tracked = false;
        assertFalse(m(new ConnmarkMatch(0x20, 0xff, false)));
        assertFalse(m(new ConnmarkMatch(0x20, 0xff, true)));
    }

    @Test
    void stateMatchIgnoresTheVirtualNatStates() {
        ctx.ctState = CtStateBits.ESTABLISHED | CtStateBits.DNAT;
        assertTrue(m(new StateMatch(Set.of(CtState.ESTABLISHED, CtState.RELATED), false)));
        assertFalse(m(new StateMatch(Set.of(CtState.NEW), false)));
        assertTrue(m(new StateMatch(Set.of(CtState.NEW), true)));
        assertFalse(m(new StateMatch(Set.of(CtState.DNAT), false)));
        assertFalse(m(new StateMatch(Set.of(CtState.ESTABLISHED), true)));
    }

    @Test
    void conntrackStateIncludingVirtualStatesAndNoEntry() {
        ctx.ctState = CtStateBits.NEW | CtStateBits.DNAT;
        ctx.original = new FiveTuple(Protocol.TCP, Ipv4.parse("10.0.0.1"), 40000, Ipv4.parse("10.96.0.10"), 80);
        ctx.replyTuple = new FiveTuple(Protocol.TCP, Ipv4.parse("10.244.1.5"), 8080, Ipv4.parse("10.0.0.1"), 40000);
        assertTrue(m(ct(new ConntrackMatch.State(Set.of(CtState.DNAT), false))));
        assertFalse(m(ct(new ConntrackMatch.State(Set.of(CtState.SNAT), false))));
        assertTrue(m(ct(new ConntrackMatch.State(Set.of(CtState.ESTABLISHED), true))));
        assertFalse(m(ct(new ConntrackMatch.State(Set.of(CtState.NEW), true))));
        // without an entry: true only when --ctstate was given (and passed)
        ctx.tracked = false;
        ctx.ctState = CtStateBits.INVALID;
        assertTrue(m(ct(new ConntrackMatch.State(Set.of(CtState.INVALID), false))));
        assertFalse(m(ct(new ConntrackMatch.Proto(Protocol.TCP, false))));
        assertFalse(m(ct(new ConntrackMatch.Proto(Protocol.TCP, true))));
    }

    @Test
    void conntrackTuplesProtoPortsAndDirection() {
        ctx.original = new FiveTuple(Protocol.TCP, Ipv4.parse("10.0.0.1"), 40000, Ipv4.parse("10.96.0.10"), 80);
        ctx.replyTuple = new FiveTuple(Protocol.TCP, Ipv4.parse("10.244.1.5"), 8080, Ipv4.parse("10.0.0.1"), 40000);
        var f = ConntrackMatch.Field.class;
        assertTrue(m(ct(new ConntrackMatch.Addr(ConntrackMatch.Field.ORIGDST, Prefix.parse("10.96.0.0/12"), false))));
        assertFalse(m(ct(new ConntrackMatch.Addr(ConntrackMatch.Field.ORIGDST, Prefix.parse("10.96.0.0/12"), true))));
        assertTrue(m(ct(new ConntrackMatch.Addr(ConntrackMatch.Field.REPLSRC, Prefix.parse("10.244.0.0/16"), false))));
        assertFalse(m(ct(new ConntrackMatch.Addr(ConntrackMatch.Field.ORIGSRC, Prefix.parse("10.244.0.0/16"), false))));
        assertTrue(m(ct(new ConntrackMatch.Port(ConntrackMatch.Field.REPLSRC, PortRange.single(8080), false))));
        assertFalse(m(ct(new ConntrackMatch.Port(ConntrackMatch.Field.ORIGDST, PortRange.single(8080), false))));
        assertTrue(m(ct(new ConntrackMatch.Port(ConntrackMatch.Field.ORIGDST, PortRange.single(8080), true))));
        assertTrue(m(ct(new ConntrackMatch.Proto(Protocol.TCP, false))));
        assertFalse(m(ct(new ConntrackMatch.Proto(Protocol.TCP, true))));
        assertTrue(m(ct(new ConntrackMatch.Dir(false))));
        assertFalse(m(ct(new ConntrackMatch.Dir(true))));
        ctx.reply = true;
        assertTrue(m(ct(new ConntrackMatch.Dir(true))));
        assertNotNull(f);
    }

    @Test
    void conntrackStatusIsReportedAsNotModelled() {
        assertFalse(m(ct(new ConntrackMatch.Status(Set.of("ASSURED"), false))));
        assertEquals(1, ctx.steps(Step.NotModelled.class).size());
    }

    static ConntrackMatch ct(ConntrackMatch.Criterion... c) {
        return new ConntrackMatch(List.of(c));
    }

    @Test
    void setMatchWithFlagsNegationAndReturnNomatch() {
        ctx.ipsets = new IpsetRegistry(List.of(
                new IpSet("KUBE-CLUSTER-IP", SetType.HASH_IP_PORT, Map.of(), List.of(
                        SetEntry.of(new SetElem.Net(Prefix.parse("10.96.0.10")), new SetElem.Port(Protocol.TCP, 80)))),
                new IpSet("NETS", SetType.HASH_NET, Map.of(), List.of(
                        SetEntry.of(new SetElem.Net(Prefix.parse("10.0.0.0/8"))),
                        new SetEntry(List.of(new SetElem.Net(Prefix.parse("10.0.0.0/24"))), null, null, true)))));
        assertTrue(m(new SetMatch("KUBE-CLUSTER-IP", List.of(false, false), false, false)));
        assertFalse(m(new SetMatch("KUBE-CLUSTER-IP", List.of(false, false), true, false)));
        assertFalse(m(new SetMatch("KUBE-CLUSTER-IP", List.of(true, true), false, false)));
        assertFalse(m(new SetMatch("KUBE-CLUSTER-IP", List.of(false), false, false)));
        assertFalse(m(new SetMatch("NO-SUCH-SET", List.of(false), false, false)));
        // 10.0.0.1 hits the nomatch /24 first: not in the set; --return-nomatch turns that into a match
        assertFalse(m(new SetMatch("NETS", List.of(true), false, false)));
        assertTrue(m(new SetMatch("NETS", List.of(true), true, false)));
        assertTrue(m(new SetMatch("NETS", List.of(true), false, true)));
        skb.saddr = Ipv4.parse("10.1.0.1").bits();
        assertTrue(m(new SetMatch("NETS", List.of(true), false, false)));
        assertFalse(m(new SetMatch("NETS", List.of(true), false, true)));
    }

    @Test
    void ipvsMatch() {
        assertFalse(m(ipvs(new IpvsMatch.Property(false))));
        assertTrue(m(ipvs(new IpvsMatch.Property(true))));
        // other criteria need the property whatever "! --ipvs" says
        assertFalse(m(ipvs(new IpvsMatch.Property(true), new IpvsMatch.VPort(80, true))));
        skb.ipvsProperty = true;
        assertTrue(m(ipvs(new IpvsMatch.Property(false))));
        assertFalse(m(ipvs(new IpvsMatch.VPort(80, false)))); // no IPVS connection
        ctx.ipvsConn = new XtContext.IpvsConnView() {
            public int vaddr() {
                return Ipv4.parse("10.96.0.10").bits();
            }

            public int vport() {
                return 80;
            }

            public int protocol() {
                return 6;
            }

            public String method() {
                return "MASQ";
            }

            public int vportctl() {
                return 0;
            }
        };
        assertTrue(m(ipvs(new IpvsMatch.VAddr(Prefix.parse("10.96.0.0/12"), false), new IpvsMatch.VPort(80, false),
                new IpvsMatch.VProto(Protocol.TCP, false), new IpvsMatch.VMethod("MASQ", false))));
        assertFalse(m(ipvs(new IpvsMatch.VAddr(Prefix.parse("10.96.0.0/12"), true))));
        assertFalse(m(ipvs(new IpvsMatch.VPort(80, true))));
        assertFalse(m(ipvs(new IpvsMatch.VProto(Protocol.UDP, false))));
        assertFalse(m(ipvs(new IpvsMatch.VMethod("GATE", false))));
        assertTrue(m(ipvs(new IpvsMatch.VMethod("GATE", true))));
        assertFalse(m(ipvs(new IpvsMatch.VPortCtl(21, false))));
        assertTrue(m(ipvs(new IpvsMatch.VPortCtl(21, true))));
        assertTrue(m(ipvs(new IpvsMatch.VDir(false))));
        assertFalse(m(ipvs(new IpvsMatch.VDir(true))));
        ctx.reply = true;
        assertTrue(m(ipvs(new IpvsMatch.VDir(true))));
        ctx.tracked = false;
        assertFalse(m(ipvs(new IpvsMatch.VDir(true))));
    }

    static IpvsMatch ipvs(IpvsMatch.Criterion... c) {
        return new IpvsMatch(List.of(c));
    }

    @Test
    void commentAlwaysMatches() {
        assertTrue(m(new CommentMatch("kubernetes service portals")));
    }

    @Test
    void addrtypeWithLimitIface() {
        ctx.addrTypes.put(Ipv4.parse("10.96.0.10").bits(), 2); // LOCAL
        var local = Set.of(AddrtypeMatch.AddrType.LOCAL);
        assertTrue(m(new AddrtypeMatch(Set.of(), false, local, false, false, false)));
        assertEquals(null, ctx.lastLimitDev);
        assertFalse(m(new AddrtypeMatch(Set.of(), false, local, true, false, false)));
        assertFalse(m(new AddrtypeMatch(local, false, Set.of(), false, false, false)));
        assertTrue(m(new AddrtypeMatch(local, true, local, false, true, false)));
        assertEquals("eth0", ctx.lastLimitDev);
        assertTrue(m(new AddrtypeMatch(Set.of(AddrtypeMatch.AddrType.UNICAST), false, Set.of(), false, false, false)));
    }

    @Test
    void statisticRandomUsesTheKernelsComparison() {
        StatisticMatch half = new StatisticMatch(StatisticMatch.Mode.RANDOM, 0x40000000L, 0, 0, false);
        ctx.randoms.add(0x3fffffff);
        assertTrue(m(half));
        ctx.randoms.add(0x40000000);
        assertFalse(m(half));
        // the top bit is masked off: 0xC0000000 & 0x7FFFFFFF = 0x40000000, not below
        ctx.randoms.add(0xC0000000);
        assertFalse(m(half));
        ctx.randoms.add(0x80000001);
        assertTrue(m(half));
        ctx.randoms.add(0);
        assertFalse(m(new StatisticMatch(StatisticMatch.Mode.RANDOM, 0x40000000L, 0, 0, true)));
    }

    @Test
    void statisticNthCountsPerRule() {
        XtTables x = XtTables.build(ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT,
                rule(setMark(1), new StatisticMatch(StatisticMatch.Mode.NTH, 0, 3, 0, false))))));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            SkBuff p = skb.copy();
            x.walk(TableName.FILTER, Hook.INPUT, p, state, ctx);
            b.append(p.mark);
        }
        assertEquals("1001001", b.toString());
        XtTables y = XtTables.build(ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT,
                rule(setMark(1), new StatisticMatch(StatisticMatch.Mode.NTH, 0, 3, 2, false))))));
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            SkBuff p = skb.copy();
            y.walk(TableName.FILTER, Hook.INPUT, p, state, ctx);
            c.append(p.mark);
        }
        assertEquals("0010010", c.toString());
    }

    @Test
    void iprange() {
        Ipv4 a = Ipv4.parse("10.0.0.0"), z = Ipv4.parse("10.0.0.5");
        assertTrue(m(new IprangeMatch(a, z, false, null, null, false)));
        assertFalse(m(new IprangeMatch(a, z, true, null, null, false)));
        assertFalse(m(new IprangeMatch(null, null, false, a, z, false)));
        // unsigned comparison across 128.0.0.0
        skb.daddr = Ipv4.parse("200.0.0.1").bits();
        assertTrue(m(new IprangeMatch(null, null, false, Ipv4.parse("100.0.0.0"), Ipv4.parse("250.0.0.0"), false)));
    }

    @Test
    void physdevNeverSeesABridgeAndSaysSo() {
        assertFalse(m(new PhysdevMatch("veth0", false, null, false, null, null, null)));
        assertTrue(m(new PhysdevMatch("veth0", true, null, false, null, null, null)));
        assertFalse(m(new PhysdevMatch(null, false, null, false, null, null, true)));
        assertTrue(m(new PhysdevMatch(null, false, null, false, false, null, false)));
        assertEquals(4, ctx.steps(Step.NotModelled.class).size());
    }

    @Test
    void limitIsATokenBucketOnSimulatedTime() {
        XtTables x = XtTables.build(ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT,
                rule(setMark(1), new LimitMatch(2, "second", 3))))));
        StringBuilder b = new StringBuilder();
        long[] times = {0, 0, 0, 0, 400, 500, 1000, 1000, 1000, 5000, 5000, 5000, 5000};
        for (long t : times) {
            ctx.now = t;
            SkBuff p = skb.copy();
            x.walk(TableName.FILTER, Hook.INPUT, p, state, ctx);
            b.append(p.mark);
        }
        // burst 3 at t=0; one token per 500 ms; capped at the burst
        assertEquals("1110" + "0" + "1" + "1" + "0" + "0" + "111" + "0", b.toString());
    }

    @Test
    void allMatchesMustMatch() {
        assertFalse(m(proto("tcp"), dst("10.96.0.10"), new MarkMatch(1, 1, false)));
        assertTrue(m(proto("tcp"), dst("10.96.0.10"), new MarkMatch(1, 1, true)));
    }
}
