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
        plain.gcSlotsPerPacket = 0;
        gc.gcSlotsPerPacket = 1 + r.nextInt(8);
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
            if (r.nextInt(20) == 0) clock[0] += r.nextInt(200_000); // CLOSE is 10 s, SYN_SENT 120 s, TIME_WAIT 120 s
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
}
