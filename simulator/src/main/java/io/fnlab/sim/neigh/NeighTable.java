package io.fnlab.sim.neigh;

import java.util.HashMap;
import java.util.Map;

/** A host's ARP cache (arp_tbl): (device, address) to MAC. Entries do not expire within a run. */
public final class NeighTable {
    private final Map<String, String> entries = new HashMap<>();

    private static String key(String dev, int addr) {
        return dev + "/" + addr;
    }

    public String lookup(String dev, int addr) {
        return entries.get(key(dev, addr));
    }

    public boolean has(String dev, int addr) {
        return entries.containsKey(key(dev, addr));
    }

    public void update(String dev, int addr, String mac) {
        entries.put(key(dev, addr), mac);
    }

    public Map<String, String> snapshot() {
        return Map.copyOf(entries);
    }
}
