package io.fnlab.sim.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Tracer;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The gc walk only removes what lookups already treat as gone: a table with it answers every
 * lookup as one without it, through random packets, states and clock jumps, and stays smaller.
 */
class ConntrackGcPropertyTest {
    static final HookState PRE = new HookState(Hook.PREROUTING, "eth0", null), IN = new HookState(Hook.INPUT, "eth0", null);
    static final int[] FLAGS = {2, 0x12, 0x10, 1 | 0x10, 4};

    @Property(tries = 100)
    void gcAnswersAsNoGc(@ForAll long seed) {
        Random r = new Random(seed);
        long[] clock = {0};
        Conntrack gc = new Conntrack(() -> clock[0], () -> Tracer.OFF), plain = new Conntrack(() -> clock[0], () -> Tracer.OFF);
        plain.gcOn = false;
        Ipv4 server = Ipv4.parse("10.0.0.2");
        for (int op = 0; op < 1500; op++) {
            Ipv4 client = new Ipv4(0x0a010000 + r.nextInt(40));
            int cport = 40000 + r.nextInt(3);
            boolean reply = r.nextInt(3) == 0;
            int flags = FLAGS[r.nextInt(FLAGS.length)];
            for (Conntrack c : new Conntrack[] {gc, plain}) {
                SkBuff s = reply ? SkBuff.tcp(server, 80, client, cport, flags) : SkBuff.tcp(client, cport, server, 80, flags);
                c.in(s, PRE);
                c.confirm(s, IN);
            }
            // CLOSE is 10 s, SYN_SENT 120 s, TIME_WAIT 120 s; now and then a jump past the gc wheel's 17 minutes
            if (r.nextInt(20) == 0) clock[0] += r.nextInt(50) == 0 ? 1_100_000 + r.nextInt(2_000_000) : r.nextInt(200_000);
            FiveTuple q = new FiveTuple(Protocol.TCP, new Ipv4(0x0a010000 + r.nextInt(40)), 40000 + r.nextInt(3), server, 80);
            NfConn a = gc.find(q), b = plain.find(q);
            assertEquals(b == null, a == null, "lookup of " + q);
            if (a != null) {
                assertEquals(b.id, a.id);
                assertEquals(b.tcpState, a.tcpState);
                assertEquals(b.expires, a.expires);
            }
            assertTrue(gc.hashSize() <= plain.hashSize());
        }
        assertEquals(plain.entries().stream().map(c -> c.id).toList(), gc.entries().stream().map(c -> c.id).toList());
    }

    /**
     * What the gc is for: a steady stream of short connections (SYN then RST, one per millisecond,
     * CLOSE lasting 10 s) keeps the table at the live connections, not at everything ever seen.
     */
    @org.junit.jupiter.api.Test
    void tableStaysTheSizeOfTheLiveConnections() {
        long[] clock = {0};
        Conntrack c = new Conntrack(() -> clock[0], () -> Tracer.OFF);
        Ipv4 server = Ipv4.parse("10.0.0.2");
        int max = 0;
        for (int i = 0; i < 60_000; i++) {
            clock[0]++;
            Ipv4 client = new Ipv4(0x0a010000 + i);
            for (int flags : new int[] {2, 4}) {
                SkBuff s = SkBuff.tcp(client, 40000, server, 80, flags);
                c.in(s, PRE);
                c.confirm(s, IN);
            }
            max = Math.max(max, c.hashSize());
        }
        // 10,000 connections are live at any time (each hashed twice); the gc may be up to two of its 256 ms buckets late
        assertTrue(max <= 2 * (10_000 + 2 * 256 + 8), "hash held " + max + " entries");
        assertTrue(c.hashSize() >= 2 * 9_990, "live entries are kept: " + c.hashSize());
    }
}
