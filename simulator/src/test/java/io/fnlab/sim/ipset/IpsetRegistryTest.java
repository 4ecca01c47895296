package io.fnlab.sim.ipset;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.ParseError;
import io.fnlab.sim.skb.SkBuff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IpsetRegistryTest {
    static final boolean S = true, D = false;

    static SetElem ip(String a) {
        return new SetElem.Net(Prefix.parse(a));
    }

    static SetElem tcp(int p) {
        return new SetElem.Port(Protocol.TCP, p);
    }

    static SetElem udp(int p) {
        return new SetElem.Port(Protocol.UDP, p);
    }

    static SetEntry nomatch(SetElem... e) {
        return new SetEntry(List.of(e), null, null, true);
    }

    static IpsetRegistry reg(SetType t, SetEntry... es) {
        return new IpsetRegistry(List.of(new IpSet("S", t, Map.of(), List.of(es))));
    }

    static SkBuff pkt(String s, int sp, String d, int dp) {
        return SkBuff.tcp(Ipv4.parse(s), sp, Ipv4.parse(d), dp, 2);
    }

    static boolean[] f(boolean... b) {
        return b;
    }

    @Test
    void hashIpBySourceOrDestination() {
        IpsetRegistry r = reg(SetType.HASH_IP, SetEntry.of(ip("10.0.0.1")));
        SkBuff p = pkt("10.0.0.1", 1, "10.0.0.2", 2);
        assertTrue(r.test("S", p, f(S)));
        assertFalse(r.test("S", p, f(D)));
        assertFalse(r.test("S", p, f()));
        assertFalse(r.test("T", p, f(S)));
        assertTrue(r.exists("S"));
        assertFalse(r.exists("T"));
    }

    @Test
    void hashIpWithACidrAddsEveryAddressAndNetmaskStoresNetworks() {
        IpsetRegistry r = reg(SetType.HASH_IP, SetEntry.of(ip("10.0.0.0/30")));
        assertTrue(r.test("S", pkt("10.0.0.3", 1, "1.1.1.1", 2), f(S)));
        assertFalse(r.test("S", pkt("10.0.0.4", 1, "1.1.1.1", 2), f(S)));
        IpsetRegistry m = new IpsetRegistry(List.of(new IpSet("S", SetType.HASH_IP, Map.of("netmask", "24"),
                List.of(SetEntry.of(ip("10.1.2.3"))))));
        assertTrue(m.test("S", pkt("10.1.2.200", 1, "1.1.1.1", 2), f(S)));
        assertFalse(m.test("S", pkt("10.1.3.1", 1, "1.1.1.1", 2), f(S)));
    }

    @Test
    void hashIpPortDstDstNeedsProtocolAndPort() {
        IpsetRegistry r = reg(SetType.HASH_IP_PORT, SetEntry.of(ip("10.96.0.10"), tcp(80)));
        assertTrue(r.test("S", pkt("10.0.0.1", 40000, "10.96.0.10", 80), f(D, D)));
        assertFalse(r.test("S", pkt("10.0.0.1", 40000, "10.96.0.10", 80), f(D, S)));
        assertFalse(r.test("S", pkt("10.0.0.1", 40000, "10.96.0.10", 80), f(D)));
        assertFalse(r.test("S", SkBuff.udp(Ipv4.parse("10.0.0.1"), 40000, Ipv4.parse("10.96.0.10"), 80), f(D, D)));
        assertTrue(r.test("S", pkt("10.96.0.10", 80, "10.0.0.1", 40000), f(S, S)));
        assertTrue(r.test("S", pkt("10.96.0.10", 1, "10.0.0.1", 80), f(S, D)));
        SkBuff frag = pkt("10.0.0.1", 40000, "10.96.0.10", 80);
        frag.fragment = true;
        assertFalse(r.test("S", frag, f(D, D)));
    }

    @Test
    void hashIpPortIpForHairpin() {
        IpsetRegistry r = reg(SetType.HASH_IP_PORT_IP, SetEntry.of(ip("10.244.1.5"), tcp(8080), ip("10.244.1.5")));
        assertTrue(r.test("S", pkt("10.244.1.5", 40000, "10.244.1.5", 8080), f(D, D, S)));
        assertFalse(r.test("S", pkt("10.244.1.6", 40000, "10.244.1.5", 8080), f(D, D, S)));
    }

    @Test
    void hashIpPortNetLongestPrefixWithNomatch() {
        IpsetRegistry r = reg(SetType.HASH_IP_PORT_NET,
                SetEntry.of(ip("10.96.0.10"), tcp(80), ip("192.168.0.0/16")),
                nomatch(ip("10.96.0.10"), tcp(80), ip("192.168.5.0/24")));
        assertEquals(SetIndex.MATCH, r.lookup("S", pkt("192.168.1.1", 1, "10.96.0.10", 80), f(D, D, S)));
        assertEquals(SetIndex.NOMATCH, r.lookup("S", pkt("192.168.5.1", 1, "10.96.0.10", 80), f(D, D, S)));
        assertEquals(SetIndex.ABSENT, r.lookup("S", pkt("172.16.5.1", 1, "10.96.0.10", 80), f(D, D, S)));
    }

    @Test
    void hashNetLongestPrefixAndNomatch() {
        IpsetRegistry r = reg(SetType.HASH_NET, SetEntry.of(ip("10.0.0.0/8")), nomatch(ip("10.1.0.0/16")),
                SetEntry.of(ip("10.1.2.0/24")));
        assertTrue(r.test("S", pkt("10.9.9.9", 1, "1.1.1.1", 2), f(S)));
        assertFalse(r.test("S", pkt("10.1.9.9", 1, "1.1.1.1", 2), f(S)));
        assertEquals(SetIndex.NOMATCH, r.lookup("S", pkt("10.1.9.9", 1, "1.1.1.1", 2), f(S)));
        assertTrue(r.test("S", pkt("10.1.2.9", 1, "1.1.1.1", 2), f(S)));
        assertFalse(r.test("S", pkt("11.1.2.9", 1, "1.1.1.1", 2), f(S)));
    }

    @Test
    void hashNetPort() {
        IpsetRegistry r = reg(SetType.HASH_NET_PORT, SetEntry.of(ip("10.0.0.0/8"), udp(53)),
                nomatch(ip("10.0.0.0/24"), udp(53)), SetEntry.of(ip("10.0.0.0/24"), udp(54)));
        SkBuff dns = SkBuff.udp(Ipv4.parse("10.5.0.1"), 5353, Ipv4.parse("1.1.1.1"), 53);
        assertTrue(r.test("S", dns, f(S, D)));
        assertFalse(r.test("S", dns, f(S, S)));
        dns.saddr = Ipv4.parse("10.0.0.1").bits();
        assertFalse(r.test("S", dns, f(S, D)));
        dns.dport = 54;
        assertTrue(r.test("S", dns, f(S, D)));
    }

    @Test
    void bitmapPortIgnoresTheEntryProtocolButNeedsTcpOrUdp() {
        IpsetRegistry r = reg(SetType.BITMAP_PORT, SetEntry.of(new SetElem.Port(null, 30080)));
        assertTrue(r.test("S", pkt("1.1.1.1", 1, "2.2.2.2", 30080), f(D)));
        assertTrue(r.test("S", SkBuff.udp(Ipv4.parse("1.1.1.1"), 30080, Ipv4.parse("2.2.2.2"), 1), f(S)));
        assertFalse(r.test("S", pkt("1.1.1.1", 1, "2.2.2.2", 30081), f(D)));
        SkBuff icmp = pkt("1.1.1.1", 30080, "2.2.2.2", 30080);
        icmp.protocol = 1;
        assertFalse(r.test("S", icmp, f(D)));
    }

    @Test
    void badEntriesAreParseErrors() {
        assertThrows(ParseError.class, () -> reg(SetType.HASH_IP_PORT, SetEntry.of(ip("10.0.0.1"))));
        assertThrows(ParseError.class, () -> reg(SetType.HASH_IP, nomatch(ip("10.0.0.1"))));
        assertThrows(ParseError.class, () -> reg(SetType.HASH_IP, SetEntry.of(ip("10.0.0.0/8"))));
        assertThrows(ParseError.class, () -> reg(SetType.HASH_IP_PORT, SetEntry.of(tcp(1), ip("10.0.0.1"))));
    }

    /** hash:net agrees with a plain scan: the longest prefix containing the address decides. */
    @Property(tries = 200)
    void hashNetIsLongestPrefixMatch(@ForAll @IntRange(min = 0, max = 40) int seed) {
        java.util.Random rnd = new java.util.Random(seed);
        List<SetEntry> es = new ArrayList<>();
        java.util.Map<Prefix, Boolean> byNet = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            int len = 8 + rnd.nextInt(25);
            Prefix p = new Prefix(new Ipv4(0x0a000000 | rnd.nextInt(1 << 20) << 4), len).network();
            boolean nm = rnd.nextInt(3) == 0;
            es.add(new SetEntry(List.of(new SetElem.Net(p)), null, null, nm));
            byNet.put(p, nm); // a re-added entry replaces the old one
        }
        IpsetRegistry r = new IpsetRegistry(List.of(new IpSet("S", SetType.HASH_NET, Map.of(), es)));
        for (int i = 0; i < 200; i++) {
            Ipv4 a = new Ipv4(0x0a000000 | rnd.nextInt(1 << 24));
            Prefix best = null;
            for (Prefix p : byNet.keySet())
                if (p.contains(a) && (best == null || p.length() > best.length())) best = p;
            int expect = best == null ? SetIndex.ABSENT : byNet.get(best) ? SetIndex.NOMATCH : SetIndex.MATCH;
            assertEquals(expect, r.lookup("S", SkBuff.tcp(a, 1, Ipv4.parse("1.1.1.1"), 2, 2), f(S)), a.toString());
        }
    }

    @Test
    void anEmptySetHoldsNothingWhateverTheFlags() {
        IpsetRegistry r = reg(SetType.HASH_IP_PORT_IP);
        SkBuff p = pkt("10.0.0.1", 1, "10.0.0.2", 2);
        assertEquals(SetIndex.ABSENT, r.lookup("S", p, f(D, D, S)));
        assertEquals(SetIndex.ABSENT, r.lookup("S", p, f(D)));
        assertTrue(r.exists("S"));
    }
}
