package io.fnlab.sim.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.sim.lib.LongPairMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The conntrack hash keyed by the tuple's numbers answers as the FiveTuple-keyed map it replaced:
 * two tuples share a key exactly when they are equal, and the numeric lookup the packet path uses
 * finds what the tuple lookup finds.
 */
class ConntrackKeyPropertyTest {
    @Property(tries = 200)
    void numericKeysAnswerAsTupleKeys(@ForAll long seed) {
        Random r = new Random(seed);
        int[] protos = {1, 6, 17, 132};
        List<FiveTuple> ts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // few values per field so that tuples differ in one field only and in swapped fields
            int[] addrs = {0, -1, 0x0a000001, 0x0a000002, 0xc0a80001};
            int[] ports = {0, 1, 80, 65535, 256 * 8};
            ts.add(new FiveTuple(new Protocol(protos[r.nextInt(4)]), new Ipv4(addrs[r.nextInt(5)]), ports[r.nextInt(5)],
                    new Ipv4(addrs[r.nextInt(5)]), ports[r.nextInt(5)]));
        }
        Map<FiveTuple, Integer> ref = new HashMap<>();
        LongPairMap<Integer> m = new LongPairMap<>();
        for (int i = 0; i < ts.size(); i++) {
            FiveTuple t = ts.get(i);
            Integer v = i;
            assertEquals(ref.put(t, v), m.put(Conntrack.keyA(t), Conntrack.keyB(t), v));
        }
        for (FiveTuple t : ts) {
            assertEquals(ref.get(t), m.get(Conntrack.keyA(t), Conntrack.keyB(t)));
            assertEquals(ref.get(t), m.get(Conntrack.keyA(t.src().bits(), t.dst().bits()),
                    Conntrack.keyB(t.protocol().number(), t.sport(), t.dport())));
            FiveTuple inv = Conntrack.invert(t);
            assertEquals(ref.get(inv), m.get(Conntrack.keyA(inv), Conntrack.keyB(inv)));
        }
        assertEquals(ref.size(), m.size());
    }
}
