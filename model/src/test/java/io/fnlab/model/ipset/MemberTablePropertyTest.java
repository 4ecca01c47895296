package io.fnlab.model.ipset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The tagged pair set answers as a HashMap from the pair to its tag (0 when absent), through overwrites and growth. */
class MemberTablePropertyTest {
    record Key(long a, long b) {}

    @Property(tries = 300)
    void answersAsHashMap(@ForAll long seed) {
        Random r = new Random(seed);
        MemberTable m = new MemberTable();
        Map<Key, Byte> ref = new HashMap<>();
        int keys = 1 + r.nextInt(300);
        for (int op = 0; op < 2000; op++) {
            // key words with zeros and all ones too: only the tag marks a slot as used
            long a = r.nextInt(4) == 0 ? -1L : r.nextInt(keys) * 0x100000001L, b = r.nextInt(3) - 1;
            Key k = new Key(a, b);
            if (r.nextBoolean()) {
                byte tag = (byte) (1 + r.nextInt(2));
                ref.put(k, tag);
                m.put(a, b, tag);
            } else {
                assertEquals(ref.getOrDefault(k, (byte) 0), m.get(a, b));
            }
            assertEquals(ref.size(), m.size());
        }
        for (Map.Entry<Key, Byte> e : ref.entrySet()) assertEquals(e.getValue(), m.get(e.getKey().a(), e.getKey().b()));
    }
}
