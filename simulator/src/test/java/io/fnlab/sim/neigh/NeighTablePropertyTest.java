package io.fnlab.sim.neigh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The per-device numeric table answers as the "DEV/ADDR"-keyed map it replaced, snapshot included. */
class NeighTablePropertyTest {
    @Property(tries = 200)
    void answersAsStringKeyedMap(@ForAll long seed) {
        Random r = new Random(seed);
        String[] devs = {"eth0", "eth1", "cni0"};
        int[] addrs = {0, -1, 1, 0x0a000001, 0x0a000002, 0xc0a80101};
        NeighTable t = new NeighTable();
        Map<String, String> ref = new HashMap<>();
        for (int op = 0; op < 300; op++) {
            String dev = devs[r.nextInt(3)];
            int a = addrs[r.nextInt(addrs.length)];
            if (r.nextBoolean()) {
                String mac = "02:00:00:00:00:0" + r.nextInt(8);
                ref.put(dev + "/" + a, mac);
                t.update(dev, a, mac);
            }
            assertEquals(ref.get(dev + "/" + a), t.lookup(dev, a));
            assertEquals(ref.containsKey(dev + "/" + a), t.has(dev, a));
        }
        assertEquals(ref, t.snapshot());
    }
}
