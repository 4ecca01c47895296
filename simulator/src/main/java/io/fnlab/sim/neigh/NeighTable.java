package io.fnlab.sim.neigh;

import io.fnlab.sim.lib.LongPairMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A host's ARP cache (arp_tbl): (device, address) to MAC. Entries do not expire within a run.
 * Per device, a table keyed by the address (neigh_lookup hashes the key and the device), so a
 * lookup on the packet path builds no string.
 */
public final class NeighTable {
    private final Map<String, LongPairMap<String>> byDevice = new LinkedHashMap<>();

    private static String key(String dev, int addr) {
        return dev + "/" + addr;
    }

    public String lookup(String dev, int addr) {
        LongPairMap<String> m = byDevice.get(dev);
        return m == null ? null : m.get(addr, 0);
    }

    public boolean has(String dev, int addr) {
        return lookup(dev, addr) != null;
    }

    public void update(String dev, int addr, String mac) {
        byDevice.computeIfAbsent(dev, k -> new LongPairMap<>()).put(addr, 0, mac);
    }

    /** Every entry as "DEV/ADDR" (the address as a signed decimal int) to MAC. */
    public Map<String, String> snapshot() {
        Map<String, String> out = new HashMap<>();
        for (var e : byDevice.entrySet()) {
            LongPairMap<String> m = e.getValue();
            // the address is not kept beside the value: walk the keys through a copy
            m.forEachKey((a, b) -> out.put(key(e.getKey(), (int) a), m.get(a, b)));
        }
        return Map.copyOf(out);
    }
}
