package io.fnlab.model.netfilter;

/** Packet and byte counters, as "[packets:bytes]" in iptables-save. */
public record Counters(long packets, long bytes) {
    public static final Counters ZERO = new Counters(0, 0);

    @Override
    public String toString() {
        return "[" + packets + ":" + bytes + "]";
    }
}
