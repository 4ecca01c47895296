package io.fnlab.sim.host;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.scenario.Server;
import io.fnlab.sim.MiniWalker;
import io.fnlab.sim.TestHosts;
import io.fnlab.sim.netfilter.HookOps;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimHostTest {
    final List<Step> steps = new ArrayList<>();
    final Tracer rec = new Tracer() {
        public boolean on() {
            return true;
        }

        public void step(Step s) {
            steps.add(s);
        }
    };

    SimHost host(TestHosts.B b) {
        SimHost h = new SimHost(b.build(), List.<Server>of(), new MiniWalker(), new SplittableRandom(1));
        h.setTracer(rec);
        return h;
    }

    /** A router: eth0 10.0.1.1/24, eth1 10.0.2.1/24; 10.9.0.0/16 lives behind eth0. */
    static TestHosts.B router() {
        return TestHosts.host("r").eth("eth0", "a", "10.0.1.1/24").eth("eth1", "b", "10.0.2.1/24")
                .route("10.9.0.0/16", "10.0.1.254", "eth0").forward();
    }

    String droppedBy() {
        return steps.stream().filter(s -> s instanceof Step.Dropped).map(s -> ((Step.Dropped) s).by() + ": "
                + ((Step.Dropped) s).reason()).findFirst().orElse(null);
    }

    SkBuff asymmetric() {
        // from 10.9.1.1 (routed via eth0) but arriving on eth1, to the router itself
        return SkBuff.tcp(Ipv4.parse("10.9.1.1"), 80, Ipv4.parse("10.0.2.1"), 40000, 0x12);
    }

    @Test
    void strictRpFilterDropsAnAsymmetricReplyLooseAndOffAccept() {
        SimHost strict = host(router().sysctl("net.ipv4.conf.all.rp_filter", "1"));
        strict.receive("eth1", asymmetric());
        assertNotNull(droppedBy());
        assertTrue(droppedBy().startsWith("fib_validate_source: rp_filter=1 (strict)"), droppedBy());

        steps.clear();
        SimHost loose = host(router().sysctl("net.ipv4.conf.eth1.rp_filter", "2"));
        loose.receive("eth1", asymmetric());
        assertFalse(steps.stream().anyMatch(s -> s instanceof Step.Dropped d && d.by().equals("fib_validate_source")));
        assertTrue(steps.stream().anyMatch(s -> s instanceof Step.Delivered));

        steps.clear();
        // max(all, dev): all=2 and eth1=1 gives 2 (loose)
        SimHost max = host(router().sysctl("net.ipv4.conf.all.rp_filter", "2").sysctl("net.ipv4.conf.eth1.rp_filter", "1"));
        max.receive("eth1", asymmetric());
        assertFalse(steps.stream().anyMatch(s -> s instanceof Step.Dropped d && d.by().equals("fib_validate_source")));
    }

    @Test
    void aPacketFromOurOwnAddressIsAMartianEvenWithoutRpFilter() {
        SimHost r = host(router());
        r.receive("eth1", SkBuff.tcp(Ipv4.parse("10.0.1.1"), 1, Ipv4.parse("10.0.2.1"), 2, 2));
        assertTrue(droppedBy().contains("martian source 10.0.1.1"), droppedBy());
    }

    @Test
    void ttlOneIsNotForwardedAndTriggersTimeExceeded() {
        SimHost r = host(router());
        SkBuff s = SkBuff.tcp(Ipv4.parse("10.0.2.5"), 1000, Ipv4.parse("10.9.1.1"), 80, 2);
        s.ttl = 1;
        r.receive("eth1", s);
        assertTrue(droppedBy().startsWith("ip_forward: TTL expired"), droppedBy());
        assertTrue(steps.stream().anyMatch(x -> x instanceof Step.Generated g && g.reason().contains("time exceeded")));
    }

    @Test
    void aStolenVerdictEndsTheHookWalkAndThePath() {
        SimHost r = host(router().table(TableName.FILTER).rule(TableName.NAT, "POSTROUTING",
                new io.fnlab.model.netfilter.targets.Masquerade(null, false, false)));
        List<String> ran = new ArrayList<>();
        r.hooks().register(new HookOps(Hook.INPUT, 99, "test", "steal", (skb, st) -> {
            ran.add("steal");
            return NfVerdict.STOLEN;
        }));
        r.hooks().register(new HookOps(Hook.INPUT, 100, "test", "after", (skb, st) -> {
            ran.add("after");
            return NfVerdict.ACCEPT;
        }));
        r.receive("eth0", SkBuff.tcp(Ipv4.parse("10.0.1.5"), 1000, Ipv4.parse("10.0.1.1"), 80, 2));
        assertEquals(List.of("steal"), ran);
        assertFalse(steps.stream().anyMatch(s -> s instanceof Step.Delivered), "no socket saw it");
        List<String> order = steps.stream().filter(s -> s instanceof Step.HookRan).map(s -> ((Step.HookRan) s).hook() + " "
                + ((Step.HookRan) s).priority() + " " + ((Step.HookRan) s).function()).toList();
        assertEquals(List.of("PREROUTING -200 ipv4_conntrack_in", "PREROUTING -100 nf_nat_ipv4_pre_routing", "INPUT 0 ipt_do_table",
                "INPUT 99 steal"), order);
    }

    @Test
    void arpIgnoreDecidesWhoAnswersForAnAddressOnLo() {
        TestHosts.B rs = TestHosts.host("rs").eth("eth0", "lan", "10.0.0.10/24").addr("lo", "10.0.0.100/32");
        int vip = Ipv4.parse("10.0.0.100").bits(), sender = Ipv4.parse("10.0.0.1").bits();
        assertNotNull(host(rs).arpReceive("eth0", sender, "02:00:00:00:00:01", vip), "arp_ignore=0 answers for the VIP on lo");
        SimHost ignoring = host(rs.sysctl("net.ipv4.conf.all.arp_ignore", "1"));
        assertNull(ignoring.arpReceive("eth0", sender, "02:00:00:00:00:01", vip), "arp_ignore=1: VIP not on eth0");
        assertNotNull(ignoring.arpReceive("eth0", sender, "02:00:00:00:00:01", Ipv4.parse("10.0.0.10").bits()));
        SimHost two = host(TestHosts.host("rs").eth("eth0", "lan", "10.0.0.10/24").sysctl("net.ipv4.conf.eth0.arp_ignore", "2"));
        assertNull(two.arpReceive("eth0", Ipv4.parse("192.168.0.1").bits(), "02:00:00:00:00:01", Ipv4.parse("10.0.0.10").bits()),
                "arp_ignore=2: sender outside the target's subnet");
    }

    @Test
    void arpAnnounceChoosesTheRequestSource() {
        SimHost rs = host(TestHosts.host("rs").eth("eth0", "lan", "10.0.0.10/24").addr("lo", "10.0.0.100/32"));
        int vip = Ipv4.parse("10.0.0.100").bits(), gw = Ipv4.parse("10.0.0.1").bits();
        assertEquals(vip, io.fnlab.sim.neigh.Arp.requestSource(rs, "eth0", vip, gw, 0), "arp_announce=0 uses the VIP");
        assertEquals(Ipv4.parse("10.0.0.10").bits(), io.fnlab.sim.neigh.Arp.requestSource(rs, "eth0", vip, gw, 2));
    }

    @Test
    void addrTypeFollowsTheLocalTableAndRouteTypes() {
        SimHost r = host(router().dummy("kube-ipvs0", "10.96.0.10/32")
                .typed(io.fnlab.model.route.Route.Type.BLACKHOLE, "203.0.113.0/24", "main"));
        assertEquals(io.fnlab.model.netfilter.match.AddrtypeMatch.AddrType.LOCAL.ordinal(), r.addrType(Ipv4.parse("10.96.0.10").bits(), null),
                "an address on a dummy device is local");
        assertEquals(io.fnlab.model.netfilter.match.AddrtypeMatch.AddrType.UNICAST.ordinal(), r.addrType(Ipv4.parse("10.0.2.7").bits(), null));
        assertEquals(io.fnlab.model.netfilter.match.AddrtypeMatch.AddrType.BLACKHOLE.ordinal(), r.addrType(Ipv4.parse("203.0.113.1").bits(), null));
        assertEquals(io.fnlab.model.netfilter.match.AddrtypeMatch.AddrType.UNICAST.ordinal(),
                r.addrType(Ipv4.parse("10.96.0.10").bits(), "eth0"), "--limit-iface-in eth0: not local there");
    }

    @Test
    void ipsetLookupByDimensionWithNomatch() {
        var cluster = new io.fnlab.model.ipset.IpSet("KUBE-CLUSTER-IP", io.fnlab.model.ipset.SetType.HASH_IP_PORT, java.util.Map.of(),
                List.of(io.fnlab.model.ipset.SetEntry.of(new io.fnlab.model.ipset.SetElem.Net(io.fnlab.model.net.Prefix.parse("10.96.0.10/32")),
                        new io.fnlab.model.ipset.SetElem.Port(io.fnlab.model.net.Protocol.TCP, 80))));
        var nets = new io.fnlab.model.ipset.IpSet("NETS", io.fnlab.model.ipset.SetType.HASH_NET, java.util.Map.of(), List.of(
                io.fnlab.model.ipset.SetEntry.of(new io.fnlab.model.ipset.SetElem.Net(io.fnlab.model.net.Prefix.parse("10.0.0.0/8"))),
                new io.fnlab.model.ipset.SetEntry(List.of(new io.fnlab.model.ipset.SetElem.Net(io.fnlab.model.net.Prefix.parse("10.1.0.0/16"))),
                        null, null, true)));
        var model = router().build();
        var cfg = model.config();
        var withSets = new io.fnlab.model.scenario.Host(model.name(), model.role(), model.interfaces(),
                new io.fnlab.model.scenario.HostConfig(cfg.iptables(), java.util.Map.of("KUBE-CLUSTER-IP", cluster, "NETS", nets), cfg.ipvs(),
                        cfg.addresses(), cfg.routes(), cfg.rules(), cfg.sysctls(), cfg.diagnostics()), model.source());
        SimHost h = new SimHost(withSets, List.of(), new io.fnlab.sim.MiniWalker(), new SplittableRandom(1));
        SkBuff p = SkBuff.tcp(Ipv4.parse("10.1.2.3"), 5555, Ipv4.parse("10.96.0.10"), 80, 2);
        assertTrue(h.ipsetTest("KUBE-CLUSTER-IP", p, new boolean[] {false, false}), "dst,dst");
        assertFalse(h.ipsetTest("KUBE-CLUSTER-IP", p, new boolean[] {true, false}), "src,dst");
        assertEquals(2, h.ipsetLookup("NETS", p, new boolean[] {true}), "the /16 nomatch entry is more specific");
        assertEquals(1, h.ipsetLookup("NETS", SkBuff.tcp(Ipv4.parse("10.2.0.1"), 1, Ipv4.parse("1.1.1.1"), 1, 2), new boolean[] {true}));
        assertFalse(h.ipsetExists("KUBE-LOOP-BACK"));
    }

    @Test
    void theRegistryHoldsConntrackTheLoadedTablesAndNfNatAtTheKernelsPriorities() {
        SimHost r = host(router().table(TableName.FILTER).table(TableName.RAW)
                .rule(TableName.NAT, "POSTROUTING", new io.fnlab.model.netfilter.targets.Masquerade(null, false, false)));
        List<String> pre = r.hookTable().stream().filter(l -> l.startsWith("PREROUTING")).map(l -> l.replaceAll("\\s+", " ")).toList();
        assertEquals(List.of("PREROUTING -300 iptable_raw ipt_do_table", "PREROUTING -200 nf_conntrack ipv4_conntrack_in",
                "PREROUTING -100 nf_nat nf_nat_ipv4_pre_routing"), pre);
        List<String> in = r.hookTable().stream().filter(l -> l.startsWith("INPUT")).map(l -> l.replaceAll("\\s+", " ")).toList();
        assertEquals(List.of("INPUT 0 iptable_filter ipt_do_table", "INPUT 100 nf_nat nf_nat_ipv4_local_in",
                "INPUT 2147483647 nf_conntrack ipv4_confirm"), in);
        assertTrue(host(router()).hookTable().stream().noneMatch(l -> l.contains("nf_nat")), "no nat table loaded: no nf_nat hooks");
    }

    /**
     * nf_ct_netns_get: a nat table whose rules need no conntrack (a MARK in nat PREROUTING) leaves
     * conntrack off, so nf_nat never walks it and the mark is never set; a NAT target, -m state or
     * CT turns conntrack on (Linux 6.18, DifferentialKernelTest seed 777 case 127).
     */
    @Test
    void conntrackIsOnOnlyWhenARuleAsksForIt() {
        var mark = new io.fnlab.model.netfilter.targets.Mark(0x4000, 0x4000, "--set-xmark");
        SimHost marking = host(router().rule(TableName.NAT, "PREROUTING", mark));
        assertTrue(marking.hookTable().stream().noneMatch(l -> l.contains("nf_conntrack")), String.join("\n", marking.hookTable()));
        SkBuff syn = SkBuff.tcp(Ipv4.parse("10.0.1.5"), 1000, Ipv4.parse("10.0.1.1"), 80, 2);
        marking.receive("eth0", syn);
        assertEquals(0, syn.mark, "the nat table was not walked: no entry, no NAT hook work");
        assertTrue(host(router().rule(TableName.FILTER, "INPUT", io.fnlab.model.netfilter.targets.Verdict.ACCEPT,
                new io.fnlab.model.netfilter.match.StateMatch(java.util.Set.of(io.fnlab.model.netfilter.match.CtState.NEW), false)))
                .hookTable().stream().anyMatch(l -> l.contains("ipv4_conntrack_in")), "-m state asks for conntrack");
        assertTrue(host(router().rule(TableName.RAW, "PREROUTING", new io.fnlab.model.netfilter.targets.Notrack()))
                .hookTable().stream().noneMatch(l -> l.contains("nf_conntrack")), "NOTRACK does not");
    }
}
