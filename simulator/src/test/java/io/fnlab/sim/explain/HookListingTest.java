package io.fnlab.sim.explain;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.net.Network;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookListingTest {
    private static List<String> ops(List<HookListing.Entry> l, Hook h) {
        return l.stream().filter(e -> e.hook() == h).map(e -> e.priority() + " " + e.owner() + " " + e.function()).toList();
    }

    @Test
    void directorOfSeed000ListsItsOpsInKernelPriorityOrder() {
        Scenario s = Library.read("seed000-fullnat");
        List<HookListing.Entry> l = HookListing.entries(Network.of(s, 1).host("director"));
        assertEquals(List.of("-200 nf_conntrack ipv4_conntrack_in", "-100 nf_nat nf_nat_ipv4_pre_routing"), ops(l, Hook.PREROUTING));
        assertEquals(List.of("98 ip_vs ip_vs_out_hook", "99 ip_vs ip_vs_in_hook", "100 nf_nat nf_nat_ipv4_local_in",
                "2147483647 nf_conntrack ipv4_confirm"), ops(l, Hook.INPUT));
        assertEquals(List.of("99 ip_vs ip_vs_forward_icmp", "100 ip_vs ip_vs_out_hook"), ops(l, Hook.FORWARD));
        assertEquals(List.of("-200 nf_conntrack ipv4_conntrack_local", "-100 nf_nat nf_nat_ipv4_local_fn",
                "-99 ip_vs ip_vs_out_hook", "-98 ip_vs ip_vs_in_hook"), ops(l, Hook.OUTPUT));
        assertEquals(List.of("100 nf_nat nf_nat_ipv4_out", "2147483647 nf_conntrack ipv4_confirm"), ops(l, Hook.POSTROUTING));
        for (Hook h : Hook.values()) {
            List<Integer> p = l.stream().filter(e -> e.hook() == h).map(HookListing.Entry::priority).toList();
            assertEquals(p.stream().sorted().toList(), p, "ops of " + h + " run in ascending priority");
        }
    }

    @Test
    void renderingNamesPrioritiesAndKeepsTheOrder() {
        Scenario s = Library.read("seed000-fullnat");
        String t = HookListing.render(Network.of(s, 1).host("director"));
        int pre = t.indexOf("PREROUTING (NF_INET_PRE_ROUTING)"), in = t.indexOf("INPUT (NF_INET_LOCAL_IN)");
        assertTrue(pre >= 0 && in > pre, t);
        int ct = t.indexOf("NF_IP_PRI_CONNTRACK "), nat = t.indexOf("NF_IP_PRI_NAT_DST ");
        assertTrue(ct > pre && nat > ct && nat < in, t);
        int out = t.indexOf("NF_IP_PRI_NAT_SRC - 2"), req = t.indexOf("NF_IP_PRI_NAT_SRC - 1");
        assertTrue(out > in && req > out, t);
        assertFalse(t.contains("no IPVS ops"), t);
    }

    @Test
    void ipvsOpsOnlyOnHostsWithServices() {
        Scenario s = Library.read("seed000-fullnat");
        Network n = Network.of(s, 1);
        assertTrue(HookListing.entries(n.host("rs1")).stream().noneMatch(e -> e.owner().equals("ip_vs")));
        assertTrue(HookListing.render(n.host("rs1")).contains("no IPVS ops"));
        // a host without a nat table has no nf_nat ops either
        assertTrue(HookListing.entries(n.host("rs1")).stream().noneMatch(e -> e.owner().equals("nf_nat")));
        assertTrue(HookListing.entries(n.host("director")).stream().anyMatch(e -> e.owner().equals("ip_vs")));
    }
}
