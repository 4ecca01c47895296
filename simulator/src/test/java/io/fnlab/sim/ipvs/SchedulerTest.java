package io.fnlab.sim.ipvs;

import static io.fnlab.sim.ipvs.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.sim.ipvs.sched.Scheduler;
import io.fnlab.sim.skb.SkBuff;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    static IpvsService svc(String sched, RealServer... rs) {
        return new IpvsService(tcp(sched, rs));
    }

    static IpvsService svc(String sched, Set<String> flags, RealServer... rs) {
        return new IpvsService(new VirtualService(ServiceKey.tcp(VIP, 80), sched, flags, null, null, List.of(rs)));
    }

    static String pick(IpvsService s, SkBuff skb) {
        Scheduler.Pick p = s.scheduler().schedule(s, skb, 0);
        return p.dest() == null ? null : p.dest().addr.toString();
    }

    static List<String> picks(IpvsService s, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(pick(s, syn(1000 + i)));
        return l;
    }

    static SkBuff from(String src) {
        return SkBuff.tcp(Ipv4.parse(src), 1234, VIP, 80, SYN);
    }

    @Test
    void wrrWeights432GiveKernelSequence() {
        // added C(2), B(3), A(4) to an empty service: the first add sets cw = mw = 2 - (2 - 1) = 1
        // and it stays, so first a pass over all, then cw = mw = 4: A | A B | A B C | A (as the 6.1
        // kernel in the lab did, VmIpvsSchedDiffTest)
        IpvsService s = svc("wrr", rs("10.1.0.1", 4), rs("10.1.0.2", 3), rs("10.1.0.3", 2));
        assertEquals(List.of("10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.1", "10.1.0.1", "10.1.0.2", "10.1.0.1",
                "10.1.0.2", "10.1.0.3", "10.1.0.1"), picks(s, 10));
    }

    @Test
    void wrrUsesGcdStep() {
        // B(2) then A(4) added: cw 0 -> mw 2 - 1 = 1; then di 2, mw 4 - 1 = 3, cw (1 / 2) * 2 + 1 = 1:
        // A B; then cw 1 - 2 <= 0 -> mw 3: A; cw 1: A B; ...
        IpvsService s = svc("wrr", rs("10.1.0.1", 4), rs("10.1.0.2", 2));
        assertEquals(List.of("10.1.0.1", "10.1.0.2", "10.1.0.1", "10.1.0.1", "10.1.0.2", "10.1.0.1"), picks(s, 6));
    }

    @Test
    void wrrAllOverloadedOrZeroHasNoDestination() {
        IpvsService s = svc("wrr", rs("10.1.0.1", 0), rs("10.1.0.2", 0));
        assertNull(pick(s, syn(1)));
        IpvsService o = svc("wrr", rs("10.1.0.1", 2), rs("10.1.0.2", 1));
        o.dests().forEach(d -> d.setOverloaded(true));
        assertNull(pick(o, syn(1)));
        o.dests().get(1).setOverloaded(false);
        assertEquals("10.1.0.2", pick(o, syn(2)));
    }

    @Test
    void rrAfterAddingRs1ThenRs2PicksRs2First() {
        IpvsService s = svc("rr");
        s.addDest(rs("10.1.0.1", 1));
        s.addDest(rs("10.1.0.2", 1));
        assertEquals("10.1.0.2", s.dests().get(0).addr.toString());
        assertEquals(List.of("10.1.0.2", "10.1.0.1", "10.1.0.2", "10.1.0.1"), picks(s, 4));
    }

    @Test
    void rrSkipsWeightZeroAndOverloaded() {
        IpvsService s = svc("rr", rs("10.1.0.1", 1), rs("10.1.0.2", 0), rs("10.1.0.3", 1));
        s.dests().get(2).setOverloaded(true);
        assertEquals(List.of("10.1.0.1", "10.1.0.1"), picks(s, 2));
        s.dests().get(0).setOverloaded(true);
        assertNull(pick(s, syn(9)));
    }

    @Test
    void rrCursorMovesBackWhenTheLastChosenIsRemoved() {
        IpvsService s = svc("rr", rs("10.1.0.1", 1), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        assertEquals(List.of("10.1.0.1", "10.1.0.2"), picks(s, 2));
        s.removeDest(Ipv4.parse("10.1.0.2"), 80);
        assertEquals("10.1.0.3", pick(s, syn(5)));
    }

    @Test
    void lcTakesFirstLowestOverhead() {
        IpvsService s = svc("lc", rs("10.1.0.1", 1), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        s.dests().get(0).setCounts(1, 0); // 256
        s.dests().get(1).setCounts(0, 255); // 255
        s.dests().get(2).setCounts(0, 255); // 255, later in list
        assertEquals("10.1.0.2", pick(s, syn(1)));
        s.dests().get(1).setCounts(0, 300);
        assertEquals("10.1.0.3", pick(s, syn(1)));
    }

    @Test
    void wlcDividesByWeight() {
        IpvsService s = svc("wlc", rs("10.1.0.1", 1), rs("10.1.0.2", 3));
        s.dests().get(0).setCounts(1, 0); // 256/1
        s.dests().get(1).setCounts(2, 0); // 512/3
        assertEquals("10.1.0.2", pick(s, syn(1)));
        s.dests().get(1).setCounts(3, 1); // 769/3 > 256
        assertEquals("10.1.0.1", pick(s, syn(1)));
        // equal ratio: the first in list order stays
        s.dests().get(0).setCounts(1, 0);
        s.dests().get(1).setCounts(3, 0);
        assertEquals("10.1.0.1", pick(s, syn(1)));
    }

    @Test
    void sedUsesActivePlusOne() {
        IpvsService s = svc("sed", rs("10.1.0.1", 1), rs("10.1.0.2", 3));
        // (0+1)/1 = 1 versus (1+1)/3 = 0.67: B, although A is idle (sed does not prefer idle servers)
        s.dests().get(1).setCounts(1, 50);
        assertEquals("10.1.0.2", pick(s, syn(1)));
    }

    @Test
    void nqTakesFirstIdleElseSed() {
        IpvsService s = svc("nq", rs("10.1.0.1", 1), rs("10.1.0.2", 3), rs("10.1.0.3", 1));
        s.dests().get(0).setCounts(2, 0);
        s.dests().get(1).setCounts(1, 0);
        assertEquals("10.1.0.3", pick(s, syn(1)));
        s.dests().get(2).setCounts(1, 0);
        // no idle: (2+1)/1, (1+1)/3, (1+1)/1 -> the weight-3 server
        assertEquals("10.1.0.2", pick(s, syn(1)));
    }

    @Test
    void foAndOvf() {
        IpvsService fo = svc("fo", rs("10.1.0.1", 5), rs("10.1.0.2", 10), rs("10.1.0.3", 10));
        assertEquals("10.1.0.2", pick(fo, syn(1)));
        fo.dests().get(1).setOverloaded(true);
        assertEquals("10.1.0.3", pick(fo, syn(1)));

        IpvsService ovf = svc("ovf", rs("10.1.0.1", 2), rs("10.1.0.2", 3));
        assertEquals("10.1.0.2", pick(ovf, syn(1)));
        ovf.dests().get(1).setCounts(4, 0); // active 4 > weight 3: overflow to the next
        assertEquals("10.1.0.1", pick(ovf, syn(1)));
        ovf.dests().get(0).setCounts(3, 0);
        assertNull(pick(ovf, syn(1)));
    }

    @Test
    void shHashesSourceIntoWeightedBuckets() {
        // buckets filled A B C A B C ...; hash_32(ntohl(saddr), 8): 192.0.2.10 -> 162, .11 -> 4, .12 -> 102
        IpvsService s = svc("sh", rs("10.1.0.1", 1), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        assertEquals("10.1.0.1", pick(s, from("192.0.2.10")));
        assertEquals("10.1.0.2", pick(s, from("192.0.2.11")));
        assertEquals("10.1.0.1", pick(s, from("192.0.2.12")));
        // with weights 1, 2 the pattern is A B B: bucket 4 -> B
        IpvsService w = svc("sh", rs("10.1.0.1", 1), rs("10.1.0.2", 2));
        assertEquals("10.1.0.2", pick(w, from("192.0.2.11")));
        assertEquals("10.1.0.1", pick(w, from("192.0.2.10")));
    }

    @Test
    void shPortAndFallback() {
        // sh-port: hash_32(1234 + ntohl(192.0.2.10), 8) = 251 -> C
        IpvsService p = svc("sh", Set.of("sh-port"), rs("10.1.0.1", 1), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        assertEquals("10.1.0.3", pick(p, from("192.0.2.10")));
        // A has weight 0 but still owns bucket 162; without fallback there is no destination
        IpvsService nf = svc("sh", rs("10.1.0.1", 0), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        assertNull(pick(nf, from("192.0.2.10")));
        // sh-fallback: offset 0 probes bucket (162 + 162) & 255 = 68 -> C
        IpvsService fb = svc("sh", Set.of("sh-fallback"), rs("10.1.0.1", 0), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        assertEquals("10.1.0.3", pick(fb, from("192.0.2.10")));
    }

    @Test
    void dhHashesDestination() {
        // hash_32(ntohl(10.1.2.3), 8) = 2 -> bucket 2; ip_vs_dh_reassign puts one dest per bucket
        // whatever the weights (A B C A B C ...), so C; a weighted table (A A A B C ...) would give A.
        // The lab's 6.1 kernel (VmIpvsSchedDiffTest) picked what this model picks.
        IpvsService s = svc("dh", rs("10.1.0.1", 3), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        SkBuff skb = SkBuff.tcp(CIP, 1, Ipv4.parse("10.1.2.3"), 80, SYN);
        assertEquals("10.1.0.3", pick(s, skb));
        s.dests().get(2).setOverloaded(true);
        assertNull(pick(s, skb));
    }

    @Test
    void hsiphashMatchesTheKernelSelfTestVector() {
        // lib/test_siphash.c, 64-bit: hsiphash(00 01 02 03) with key 00..0f = test_vectors_hsiphash[4]
        assertEquals(0x88d38328, io.fnlab.sim.ipvs.sched.SchedulerProbe.hsiphash(0x03020100, 0x0706050403020100L, 0x0f0e0d0c0b0a0908L));
    }

    @Test
    void mhTableSharesFollowWeights() {
        IpvsService eq = svc("mh", rs("10.1.0.1", 1), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        Map<String, Integer> c = io.fnlab.sim.ipvs.sched.SchedulerProbe.mhShares(eq);
        assertEquals(4093, c.values().stream().mapToInt(Integer::intValue).sum());
        c.values().forEach(v -> assertTrue(v == 1364 || v == 1365, c.toString()));
        IpvsService w = svc("mh", rs("10.1.0.1", 2), rs("10.1.0.2", 1));
        Map<String, Integer> cw = io.fnlab.sim.ipvs.sched.SchedulerProbe.mhShares(w);
        assertEquals(2729, cw.get("10.1.0.1:80"));
        assertEquals(1364, cw.get("10.1.0.2:80"));
    }

    @Test
    void mhIsStableAndQuiescingKeepsTheTable() {
        IpvsService s = svc("mh", rs("10.1.0.1", 1), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        Map<String, String> first = new HashMap<>();
        for (int i = 1; i < 60; i++) first.put("192.0.2." + i, pick(s, from("192.0.2." + i)));
        IpvsService again = svc("mh", rs("10.1.0.1", 1), rs("10.1.0.2", 1), rs("10.1.0.3", 1));
        for (var e : first.entrySet()) assertEquals(e.getValue(), pick(again, from(e.getKey())));
        // weight 0 keeps last_weight: the table is unchanged, clients of the quiesced server get none
        IpvsDest b = s.find(Ipv4.parse("10.1.0.2"), 80);
        s.setWeight(b, 0);
        for (var e : first.entrySet()) {
            String now = pick(s, from(e.getKey()));
            if (e.getValue().equals("10.1.0.2")) assertNull(now);
            else assertEquals(e.getValue(), now);
        }
        assertTrue(first.containsValue("10.1.0.2"));
    }

    @Test
    void lblcKeepsDestinationAffinity() {
        IpvsService s = svc("lblc", rs("10.1.0.1", 1), rs("10.1.0.2", 1));
        SkBuff toX = SkBuff.tcp(CIP, 1, Ipv4.parse("10.9.9.9"), 80, SYN);
        assertEquals("10.1.0.1", pick(s, toX));
        s.dests().get(0).setCounts(0, 5); // more load, but still cached
        assertEquals("10.1.0.1", pick(s, toX));
        // cached server over its weight while another is under half load: reschedule with wlc
        s.dests().get(0).setCounts(2, 0);
        assertEquals("10.1.0.2", pick(s, toX));
        assertEquals("10.1.0.2", pick(s, toX));
    }

    @Test
    void lblcrGrowsTheSetWhenOverloaded() {
        IpvsService s = svc("lblcr", rs("10.1.0.1", 1), rs("10.1.0.2", 1));
        SkBuff toX = SkBuff.tcp(CIP, 1, Ipv4.parse("10.9.9.9"), 80, SYN);
        assertEquals("10.1.0.1", pick(s, toX));
        s.dests().get(0).setCounts(2, 0);
        assertEquals("10.1.0.2", pick(s, toX)); // added to the set
        s.dests().get(0).setCounts(0, 0);
        s.dests().get(1).setCounts(0, 3);
        assertEquals("10.1.0.1", pick(s, toX)); // least loaded member of the set
    }
}
