package io.fnlab.lab.pcap;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a read saw besides the IPv4 packets it returned: frames that are not IPv4 (ARP, IPv6,
 * other EtherTypes, unsupported link types) and IPv4 packets with damaged headers, by reason,
 * with the index of the first frame of each kind. Nothing is dropped without being counted here.
 */
public final class CaptureStats {
    private long frames;
    private long ipv4;
    private final Map<String, long[]> skipped = new TreeMap<>();
    private final Map<String, long[]> notes = new TreeMap<>();

    void frame() {
        frames++;
    }

    void ipv4() {
        ipv4++;
    }

    /** A frame not returned as a packet (reason e.g. "arp", "ipv6", "ethertype 0x88cc"). */
    void skip(String reason, long index) {
        skipped.computeIfAbsent(reason, k -> new long[] {0, index})[0]++;
    }

    /** A packet returned with a caveat (e.g. headers cut by the snaplen). */
    void note(String reason, long index) {
        notes.computeIfAbsent(reason, k -> new long[] {0, index})[0]++;
    }

    public long frames() {
        return frames;
    }

    public long ipv4Packets() {
        return ipv4;
    }

    /** Frames not returned, by reason. */
    public Map<String, Long> skipped() {
        Map<String, Long> m = new TreeMap<>();
        skipped.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }

    /** Packets returned with a caveat, by reason. */
    public Map<String, Long> notes() {
        Map<String, Long> m = new TreeMap<>();
        notes.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }

    public long skippedCount() {
        return skipped.values().stream().mapToLong(v -> v[0]).sum();
    }

    /** One line per kind, e.g. "skipped 3 arp frames (first: frame 0)". */
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append(frames).append(" frames, ").append(ipv4).append(" IPv4 packets");
        skipped.forEach((k, v) -> b.append("\n  skipped ").append(v[0]).append(' ').append(k).append(" (first: frame ").append(v[1]).append(')'));
        notes.forEach((k, v) -> b.append("\n  note: ").append(v[0]).append(' ').append(k).append(" (first: frame ").append(v[1]).append(')'));
        return b.toString();
    }

    @Override
    public String toString() {
        return report();
    }
}
