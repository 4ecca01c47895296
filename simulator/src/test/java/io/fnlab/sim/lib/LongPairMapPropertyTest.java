package io.fnlab.sim.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The open-addressing table answers as a HashMap keyed by the pair, through puts, removes and growth. */
class LongPairMapPropertyTest {
    record Key(long a, long b) {}

    /** remove(a, b, expected) compares by identity (the tables hold entries, not values): four distinct objects. */
    private static final String[] VALUES = {"v0", "v1", "v2", "v3"};

    @Property(tries = 300)
    void answersAsHashMap(@ForAll long seed) {
        Random r = new Random(seed);
        LongPairMap<String> m = new LongPairMap<>();
        Map<Key, String> ref = new HashMap<>();
        // few distinct keys so that puts overwrite, removes hit, and probe runs collide and wrap
        int keys = 1 + r.nextInt(200);
        for (int op = 0; op < 2000; op++) {
            long a = r.nextInt(keys) * 0x100000001L, b = r.nextInt(3);
            Key k = new Key(a, b);
            switch (r.nextInt(5)) {
                case 0, 1 -> {
                    String v = VALUES[r.nextInt(4)];
                    assertEquals(ref.put(k, v), m.put(a, b, v));
                }
                case 2 -> {
                    String v = VALUES[r.nextInt(4)];
                    assertEquals(ref.remove(k, v), m.remove(a, b, v));
                }
                case 3 -> assertEquals(ref.remove(k), m.remove(a, b));
                default -> assertEquals(ref.get(k), m.get(a, b));
            }
            assertEquals(ref.size(), m.size());
        }
        for (int x = 0; x < keys; x++)
            for (int b = 0; b < 3; b++) assertEquals(ref.get(new Key(x * 0x100000001L, b)), m.get(x * 0x100000001L, b));
        List<String> seen = new java.util.ArrayList<>();
        m.forEachValue(seen::add);
        assertEquals(ref.size(), seen.size());
        Set<String> distinct = new HashSet<>(ref.values());
        assertEquals(distinct, new HashSet<>(seen));
        Set<Key> keysSeen = new HashSet<>();
        m.forEachKey((a, b) -> keysSeen.add(new Key(a, b)));
        assertEquals(ref.keySet(), keysSeen);
    }
}
