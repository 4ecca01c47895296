package io.fnlab.sim.netfilter;

import static io.fnlab.sim.netfilter.Nf.*;
import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.AddrtypeMatch;
import io.fnlab.model.netfilter.match.CommentMatch;
import io.fnlab.model.netfilter.match.MarkMatch;
import io.fnlab.model.netfilter.match.SetMatch;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.Verdict;
import io.fnlab.sim.ipset.IpsetRegistry;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** kube-proxy's IPVS-mode nat chains (kernel-reference.md section 7) on representative packets. */
class KubeProxyChainsTest {
    static final String NODE = "192.168.1.10", VIP = "10.96.0.10", POD = "10.244.1.5", CLIENT = "192.168.1.50";
    final FakeXtContext ctx = new FakeXtContext();
    XtTables x;

    static Ruleset kubeProxy() {
        var masq = new Masquerade(null, false, true);
        return ruleset(table(TableName.NAT,
                builtin("PREROUTING", Chain.Policy.ACCEPT, rule(jump("KUBE-SERVICES"), new CommentMatch("kubernetes service portals"))),
                builtin("INPUT", Chain.Policy.ACCEPT),
                builtin("OUTPUT", Chain.Policy.ACCEPT, rule(jump("KUBE-SERVICES"), new CommentMatch("kubernetes service portals"))),
                builtin("POSTROUTING", Chain.Policy.ACCEPT, rule(jump("KUBE-POSTROUTING"), new CommentMatch("kubernetes postrouting rules"))),
                user("KUBE-SERVICES",
                        rule(Verdict.RETURN, src("127.0.0.0/8")),
                        rule(jump("KUBE-MARK-MASQ"), new CommentMatch("Kubernetes service cluster ip + port for masquerade purpose"),
                                new SetMatch("KUBE-CLUSTER-IP", List.of(false, false), false, false), notSrc("10.244.0.0/16")),
                        rule(jump("KUBE-NODE-PORT"), new AddrtypeMatch(Set.of(), false, Set.of(AddrtypeMatch.AddrType.LOCAL), false, false, false)),
                        rule(Verdict.ACCEPT, new SetMatch("KUBE-CLUSTER-IP", List.of(false, false), false, false))),
                user("KUBE-NODE-PORT",
                        rule(jump("KUBE-MARK-MASQ"), proto("tcp"), new SetMatch("KUBE-NODE-PORT-TCP", List.of(false), false, false))),
                user("KUBE-MARK-MASQ", rule(orMark(0x4000))),
                user("KUBE-POSTROUTING",
                        rule(Verdict.RETURN, new MarkMatch(0x4000, 0x4000, true)),
                        rule(xorMark(0x4000)),
                        rule(masq, new CommentMatch("kubernetes service traffic requiring SNAT")))));
    }

    @BeforeEach
    void setUp() {
        x = XtTables.build(kubeProxy());
        ctx.ipsets = new IpsetRegistry(List.of(
                new IpSet("KUBE-CLUSTER-IP", SetType.HASH_IP_PORT, Map.of(), List.of(
                        SetEntry.of(new SetElem.Net(Prefix.parse(VIP)), new SetElem.Port(Protocol.TCP, 80)))),
                new IpSet("KUBE-NODE-PORT-TCP", SetType.BITMAP_PORT, Map.of("range", "0-65535"), List.of(
                        SetEntry.of(new SetElem.Port(null, 30080))))));
        ctx.addrTypes.put(Ipv4.parse(NODE).bits(), 2);
        ctx.addrTypes.put(Ipv4.parse(VIP).bits(), 2); // on kube-ipvs0
    }

    NfVerdict pre(SkBuff skb) {
        return x.walk(TableName.NAT, Hook.PREROUTING, skb, st(Hook.PREROUTING, "eth0", null), ctx);
    }

    NfVerdict post(SkBuff skb) {
        return x.walk(TableName.NAT, Hook.POSTROUTING, skb, st(Hook.POSTROUTING, null, "eth0"), ctx);
    }

    @Test
    void externalClientToClusterIpIsMarkedThenMasqueradedAndTheMarkCleared() {
        SkBuff skb = tcp(CLIENT, 40000, VIP, 80);
        skb.mark = 0x1;
        assertEquals(NfVerdict.ACCEPT, pre(skb));
        assertEquals(0x4001, skb.mark);
        assertEquals(NfVerdict.ACCEPT, post(skb));
        assertEquals(0x1, skb.mark);
        assertEquals(1, ctx.natCalls.size());
        assertTrue(ctx.natCalls.get(0) instanceof Masquerade);
        // the trace reads: jump KUBE-SERVICES, jump KUBE-MARK-MASQ, MARK, jump KUBE-NODE-PORT, ACCEPT, ...
        List<String> effects = ctx.steps(Step.RuleMatched.class).stream().map(Step.RuleMatched::effect).toList();
        assertEquals(List.of("jump KUBE-SERVICES", "jump KUBE-MARK-MASQ", "MARK set 0x4001 (was 0x1)",
                "jump KUBE-NODE-PORT", "ACCEPT", "jump KUBE-POSTROUTING", "MARK set 0x1 (was 0x4001)",
                "MASQUERADE"), effects);
    }

    @Test
    void podToClusterIpIsNotMasqueraded() {
        SkBuff skb = tcp(POD, 40000, VIP, 80);
        assertEquals(NfVerdict.ACCEPT, pre(skb));
        assertEquals(0, skb.mark);
        assertEquals(NfVerdict.ACCEPT, post(skb));
        assertTrue(ctx.natCalls.isEmpty());
        assertEquals("RETURN", ctx.steps(Step.RuleMatched.class).get(ctx.steps(Step.RuleMatched.class).size() - 1).effect());
    }

    @Test
    void loopbackSourceReturnsAtOnce() {
        SkBuff skb = tcp("127.0.0.1", 40000, VIP, 80);
        assertEquals(NfVerdict.ACCEPT, x.walk(TableName.NAT, Hook.OUTPUT, skb, st(Hook.OUTPUT, null, "lo"), ctx));
        assertEquals(0, skb.mark);
        assertEquals(new io.fnlab.model.netfilter.Counters(1, 40), x.counters(TableName.NAT, "KUBE-SERVICES", 1));
        assertEquals(io.fnlab.model.netfilter.Counters.ZERO, x.counters(TableName.NAT, "KUBE-SERVICES", 2));
    }

    @Test
    void nodePortIsMarkedAndFallsThroughToThePolicy() {
        SkBuff skb = tcp(CLIENT, 40000, NODE, 30080);
        assertEquals(NfVerdict.ACCEPT, pre(skb));
        assertEquals(0x4000, skb.mark);
        assertEquals(List.of(new Step.PolicyApplied("nat", "PREROUTING", "ACCEPT")), ctx.steps(Step.PolicyApplied.class));
    }

    @Test
    void otherTrafficIsLeftAlone() {
        SkBuff skb = tcp(CLIENT, 40000, NODE, 22);
        assertEquals(NfVerdict.ACCEPT, pre(skb));
        assertEquals(0, skb.mark);
        SkBuff wrongPort = tcp(CLIENT, 40000, VIP, 81);
        pre(wrongPort);
        assertEquals(0, wrongPort.mark);
        SkBuff udp = udp(CLIENT, 40000, VIP, 80);
        pre(udp);
        assertEquals(0, udp.mark);
    }
}
