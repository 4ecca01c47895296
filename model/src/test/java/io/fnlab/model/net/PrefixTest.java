package io.fnlab.model.net;

import static org.junit.jupiter.api.Assertions.*;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PrefixTest {
    @Test
    void parsesDottedMaskAndLength() {
        assertEquals(Prefix.parse("10.0.0.0/8"), Prefix.parse("10.0.0.0/255.0.0.0"));
        assertTrue(Prefix.parse("192.168.1.0/24").contains(Ipv4.parse("192.168.1.77")));
        assertFalse(Prefix.parse("192.168.1.0/24").contains(Ipv4.parse("192.168.2.1")));
        assertEquals("10.1.1.1/32", Prefix.parse("10.1.1.1").toString());
    }

    @Test
    void rejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4.parse("10.0.0.256"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4.parse("10.0.0"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.0.0.0/255.0.255.0"));
    }

    @Property
    void ipv4RoundTrips(@ForAll int bits) {
        Ipv4 a = new Ipv4(bits);
        assertEquals(a, Ipv4.parse(a.toString()));
    }

    @Property
    void prefixContainsItsNetworkAndBroadcast(@ForAll int bits, @ForAll @IntRange(min = 0, max = 32) int len) {
        Prefix p = new Prefix(new Ipv4(bits), len);
        assertTrue(p.contains(p.network().address()));
        assertTrue(p.contains(p.broadcast()));
        assertEquals(p, Prefix.parse(p.toString()));
    }
}
