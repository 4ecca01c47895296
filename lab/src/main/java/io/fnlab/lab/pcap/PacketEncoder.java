package io.fnlab.lab.pcap;

import io.fnlab.sim.skb.SkBuff;

/**
 * Serialises a simulated {@link SkBuff} to IPv4 wire bytes: a 20-byte IPv4 header (no options,
 * MF set when {@code fragment}) and a TCP (20 bytes, no options, window 64240), UDP or ICMP header,
 * all with correct checksums, then the payload. ICMP follows SkBuff's convention (dport = type << 8
 * | code, sport = echo id, seq = echo sequence); an ICMP error with {@code icmpInner} quotes that
 * packet's IP header and first 8 L4 bytes, as RFC 792 requires. IPIP (protocol 4) with
 * {@code inner} carries the encoded inner packet.
 */
public final class PacketEncoder {
    private PacketEncoder() {}

    /** Bytes {@link #encode} produces for {@code s}. */
    public static int length(SkBuff s) {
        return 20 + l4Length(s);
    }

    /**
     * Bytes of {@code s} an ICMP error quotes: as much of the offending packet as fits in a
     * 576-byte error (__icmp_send: room = min(mtu, 576) - IP header - ICMP header), not RFC 792's
     * minimum of the IP header and 8 bytes. A real 6.1 kernel's port unreachable about a SYN is
     * 88 bytes: 20 + 8 + the whole 60-byte SYN (pcaps/kube-ipvs-node).
     */
    public static int quotedLength(SkBuff s) {
        return Math.min(length(s), ICMP_QUOTE_ROOM);
    }

    /** 576 - 20 (IP header, no options) - 8 (ICMP header): icmp_send's room for the quote. */
    public static final int ICMP_QUOTE_ROOM = 548;

    private static int l4Length(SkBuff s) {
        return switch (s.protocol) {
            case 6 -> 20 + s.payload.length;
            case 17 -> 8 + s.payload.length;
            case 1 -> 8 + (isError(s) && s.icmpInner != null ? quotedLength(s.icmpInner) : s.payload.length);
            case 4 -> s.inner != null ? length(s.inner) : s.payload.length;
            default -> s.payload.length;
        };
    }

    private static boolean isError(SkBuff s) {
        return CapturedPacket.isIcmpError((s.dport >> 8) & 0xff);
    }

    /** A new array holding the packet. */
    public static byte[] encode(SkBuff s) {
        byte[] b = new byte[length(s)];
        encode(s, b, 0);
        return b;
    }

    /**
     * Writes the packet at b[off...] and returns its length; IllegalArgumentException when it
     * does not fit in an IPv4 datagram.
     */
    public static int encode(SkBuff s, byte[] b, int off) {
        int total = length(s);
        if (total > 65535) throw new IllegalArgumentException("packet of " + total + " bytes exceeds the IPv4 maximum 65535: " + s);
        b[off] = 0x45;
        b[off + 1] = (byte) s.tos;
        put16(b, off + 2, total);
        put16(b, off + 4, s.id);
        put16(b, off + 6, s.fragment ? 0x2000 : 0);
        b[off + 8] = (byte) s.ttl;
        b[off + 9] = (byte) s.protocol;
        put16(b, off + 10, 0);
        put32(b, off + 12, s.saddr);
        put32(b, off + 16, s.daddr);
        put16(b, off + 10, Checksum.fold(Checksum.partial(b, off, 20, 0)));
        int l4 = off + 20, l4len = total - 20;
        switch (s.protocol) {
            case 6 -> {
                put16(b, l4, s.sport);
                put16(b, l4 + 2, s.dport);
                put32(b, l4 + 4, (int) s.seq);
                put32(b, l4 + 8, (int) s.ack);
                b[l4 + 12] = 0x50;
                b[l4 + 13] = (byte) s.tcpFlags;
                put16(b, l4 + 14, 64240);
                put16(b, l4 + 16, 0);
                put16(b, l4 + 18, 0);
                System.arraycopy(s.payload, 0, b, l4 + 20, s.payload.length);
                long sum = Checksum.pseudo(s.saddr, s.daddr, 6, l4len);
                put16(b, l4 + 16, Checksum.fold(Checksum.partial(b, l4, l4len, sum)));
            }
            case 17 -> {
                put16(b, l4, s.sport);
                put16(b, l4 + 2, s.dport);
                put16(b, l4 + 4, l4len);
                put16(b, l4 + 6, 0);
                System.arraycopy(s.payload, 0, b, l4 + 8, s.payload.length);
                int c = Checksum.fold(Checksum.partial(b, l4, l4len, Checksum.pseudo(s.saddr, s.daddr, 17, l4len)));
                put16(b, l4 + 6, c == 0 ? 0xffff : c); // RFC 768: a computed 0 is sent as all ones
            }
            case 1 -> {
                b[l4] = (byte) (s.dport >> 8);
                b[l4 + 1] = (byte) s.dport;
                put16(b, l4 + 2, 0);
                if (isError(s)) {
                    // the rest-of-header word: a redirect's gateway, a next-hop MTU, else 0 (SimHost.icmpSend keeps it in seq)
                    put32(b, l4 + 4, (int) s.seq);
                    if (s.icmpInner != null) {
                        byte[] q = encode(s.icmpInner);
                        System.arraycopy(q, 0, b, l4 + 8, quotedLength(s.icmpInner));
                    } else {
                        System.arraycopy(s.payload, 0, b, l4 + 8, s.payload.length);
                    }
                } else {
                    put16(b, l4 + 4, s.sport);
                    put16(b, l4 + 6, (int) s.seq);
                    System.arraycopy(s.payload, 0, b, l4 + 8, s.payload.length);
                }
                put16(b, l4 + 2, Checksum.fold(Checksum.partial(b, l4, l4len, 0)));
            }
            case 4 -> {
                if (s.inner != null) encode(s.inner, b, l4);
                else System.arraycopy(s.payload, 0, b, l4, s.payload.length);
            }
            default -> System.arraycopy(s.payload, 0, b, l4, s.payload.length);
        }
        return total;
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >> 8);
        b[o + 1] = (byte) v;
    }

    static void put32(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}
