package io.fnlab.sim.host;

import io.fnlab.model.scenario.Interface;

/** A net_device: lo, an ethernet port on a segment, a dummy or an ipip tunnel device. */
public record Device(String name, Interface.Kind kind, String segment, String mac, int ifindex) {
    public boolean isLoopback() {
        return kind == Interface.Kind.LOOPBACK;
    }

    /** A MAC derived from host and device names when the model gives none (locally administered). */
    public static String deriveMac(String host, String dev) {
        int h = (host + "/" + dev).hashCode();
        return String.format("02:%02x:%02x:%02x:%02x:%02x", (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255,
                (host.length() * 31 + dev.length()) & 255);
    }
}
