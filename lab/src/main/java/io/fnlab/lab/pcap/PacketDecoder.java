package io.fnlab.lab.pcap;

import io.fnlab.model.net.Ipv4;

/**
 * Turns one link-layer frame into a {@link CapturedPacket}, or counts it in {@link CaptureStats}
 * when it is not IPv4. Never throws on frame contents: a capture's packets may be anything, and
 * damage inside a frame is reported per packet, while damage to the file structure is the
 * reader's ParseError.
 *
 * <p>Link-layer headers (libpcap pcap/sll.h and https://www.tcpdump.org/linktypes.html):
 * Ethernet (with up to two 802.1Q/802.1ad tags), Linux cooked v1 (16 bytes: pkttype, hatype,
 * halen, 8-byte address, protocol) and v2 (20 bytes: protocol, reserved, ifindex, hatype,
 * pkttype, halen, 8-byte address), raw IP.
 */
public final class PacketDecoder {
    private static final int ETH_P_IP = 0x0800, ETH_P_ARP = 0x0806, ETH_P_IPV6 = 0x86dd;
    private static final int MAX_DEPTH = 4;

    private final CaptureStats stats;

    public PacketDecoder(CaptureStats stats) {
        this.stats = stats;
    }

    public CaptureStats stats() {
        return stats;
    }

    /**
     * Decodes the frame at b[off, off+len). Returns null (after counting why) for a frame that
     * carries no IPv4 packet.
     */
    public CapturedPacket decode(String point, long index, long tsNanos, LinkType lt, int rawLinkType, Direction flagDir,
                                 byte[] b, int off, int len) {
        stats.frame();
        Direction dir = flagDir;
        int ifindex = 0;
        int ethertype;
        int l3;
        switch (lt) {
            case ETHERNET -> {
                if (len < 14) return skip("ethernet frame shorter than 14 bytes", index);
                ethertype = u16(b, off + 12);
                l3 = off + 14;
                for (int tags = 0; tags < 2 && (ethertype == 0x8100 || ethertype == 0x88a8); tags++) {
                    if (l3 + 4 > off + len) return skip("vlan tag cut by snaplen", index);
                    ethertype = u16(b, l3 + 2);
                    l3 += 4;
                }
            }
            case LINUX_SLL -> {
                if (len < 16) return skip("linux cooked (SLL) frame shorter than 16 bytes", index);
                if (dir == Direction.UNKNOWN) dir = Direction.ofPacketType(u16(b, off));
                ethertype = u16(b, off + 14);
                l3 = off + 16;
            }
            case LINUX_SLL2 -> {
                if (len < 20) return skip("linux cooked v2 (SLL2) frame shorter than 20 bytes", index);
                ethertype = u16(b, off);
                ifindex = (int) u32(b, off + 4);
                if (dir == Direction.UNKNOWN) dir = Direction.ofPacketType(b[off + 10] & 0xff);
                l3 = off + 20;
            }
            case RAW -> {
                if (len < 1) return skip("empty raw IP frame", index);
                int v = (b[off] & 0xff) >> 4;
                ethertype = v == 4 ? ETH_P_IP : v == 6 ? ETH_P_IPV6 : -v - 1;
                if (ethertype < 0) return skip("raw IP frame with IP version " + v, index);
                l3 = off;
            }
            case IPV4 -> {
                ethertype = ETH_P_IP;
                l3 = off;
            }
            default -> {
                return skip("frames of unsupported link type " + rawLinkType, index);
            }
        }
        switch (ethertype) {
            case ETH_P_IP -> { }
            case ETH_P_ARP -> { return skip("arp", index); }
            case ETH_P_IPV6 -> { return skip("ipv6", index); }
            default -> { return skip(String.format("ethertype 0x%04x", ethertype), index); }
        }
        CapturedPacket p = ipv4(b, l3, off + len, new Meta(point, index, tsNanos, dir, ifindex), 0);
        if (p != null) stats.ipv4();
        return p;
    }

    private CapturedPacket skip(String why, long index) {
        stats.skip(why, index);
        return null;
    }

    /** Capture metadata handed down so that each record is built once, inner packets included. */
    private record Meta(String point, long index, long ts, Direction dir, int ifindex) {}

    /** Parses an IPv4 packet at b[o, end); null (counted) when the header itself is unusable. */
    private CapturedPacket ipv4(byte[] b, int o, int end, Meta m, int depth) {
        long index = m.index();
        if (end - o < 20) return skip("ipv4 header cut by snaplen", index);
        int vihl = b[o] & 0xff;
        if (vihl >> 4 != 4) return skip("frames labelled IPv4 with IP version " + (vihl >> 4), index);
        int ihl = (vihl & 15) * 4;
        if (ihl < 20) return skip("ipv4 header length " + ihl + " below 20", index);
        int tos = b[o + 1] & 0xff;
        int total = u16(b, o + 2);
        int id = u16(b, o + 4);
        int frag = u16(b, o + 6);
        boolean fragment = (frag & 0x2000) != 0 || (frag & 0x1fff) != 0;
        boolean first = (frag & 0x1fff) == 0;
        int ttl = b[o + 8] & 0xff;
        int proto = b[o + 9] & 0xff;
        Ipv4 src = new Ipv4(i32(b, o + 12)), dst = new Ipv4(i32(b, o + 16));
        if (total < ihl) {
            stats.note("ipv4 total length below header length (TSO/offloaded packet?)", index);
            total = Math.max(ihl, end - o); // a GSO packet captured before segmentation may carry 0
        }
        int l4 = o + ihl;
        int avail = Math.min(end, o + total); // Ethernet padding past total length is not payload
        boolean truncated = o + total > end;
        int sport = 0, dport = 0, flags = 0, l4hdr = 0;
        long seq = 0, ack = 0;
        CapturedPacket quoted = null, inner = null;
        if (first) {
            switch (proto) {
                case 6 -> {
                    l4hdr = 20;
                    if (avail - l4 >= 4) { sport = u16(b, l4); dport = u16(b, l4 + 2); }
                    if (avail - l4 >= 8) seq = u32(b, l4 + 4);
                    if (avail - l4 >= 14) {
                        ack = u32(b, l4 + 8);
                        l4hdr = Math.max(20, ((b[l4 + 12] & 0xff) >> 4) * 4);
                        flags = b[l4 + 13] & 0xff;
                    }
                    truncated |= avail - l4 < l4hdr;
                }
                case 17 -> {
                    l4hdr = 8;
                    if (avail - l4 >= 4) { sport = u16(b, l4); dport = u16(b, l4 + 2); }
                    truncated |= avail - l4 < 8;
                }
                case 1 -> {
                    l4hdr = 8;
                    if (avail - l4 >= 2) {
                        int type = b[l4] & 0xff, code = b[l4 + 1] & 0xff;
                        dport = type << 8 | code;
                        if (avail - l4 >= 8) {
                            if (CapturedPacket.isIcmpError(type)) {
                                seq = u32(b, l4 + 4);
                                if (depth < MAX_DEPTH && avail - l4 >= 28) quoted = quotedHeader(b, l4 + 8, avail, m, depth + 1);
                            } else {
                                sport = u16(b, l4 + 4);
                                seq = u16(b, l4 + 6);
                            }
                        }
                    }
                    truncated |= avail - l4 < 8;
                }
                case 4 -> {
                    if (depth < MAX_DEPTH && avail - l4 >= 20) inner = ipv4(b, l4, avail, m, depth + 1);
                    else if (avail - l4 < 20) truncated = true;
                }
                default -> { }
            }
        }
        int payload = Math.max(0, total - ihl - (first ? l4hdr : 0));
        if (truncated && depth == 0) stats.note("packets with headers cut by the snaplen", index);
        return new CapturedPacket(m.point(), index, m.ts(), m.dir(), m.ifindex(), src, dst, proto, sport, dport, flags, seq, ack,
                payload, ttl, id, tos, fragment, truncated, quoted, inner);
    }

    /** The IP header and first 8 L4 bytes an ICMP error quotes (RFC 792; Linux quotes more). */
    private CapturedPacket quotedHeader(byte[] b, int o, int end, Meta m, int depth) {
        long index = m.index();
        int vihl = b[o] & 0xff;
        int ihl = (vihl & 15) * 4;
        if (vihl >> 4 != 4 || ihl < 20 || end - o < ihl) {
            stats.note("icmp errors quoting something other than an IPv4 header", index);
            return null;
        }
        int stop = Math.min(end, o + ihl + 8);
        CapturedPacket full = ipv4(b, o, stop, m, depth);
        return full == null ? null : full.asQuoted();
    }

    private static int u16(byte[] b, int o) {
        return (b[o] & 0xff) << 8 | (b[o + 1] & 0xff);
    }

    private static int i32(byte[] b, int o) {
        return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
    }

    private static long u32(byte[] b, int o) {
        return i32(b, o) & 0xffffffffL;
    }
}
