package io.fnlab.lab.pcap;

/**
 * Which way a packet crossed the capture point. Known from the Linux cooked header's packet type
 * (PACKET_OUTGOING = 4 is out, PACKET_HOST/BROADCAST/MULTICAST/OTHERHOST are in; see
 * include/uapi/linux/if_packet.h) or from the pcapng epb_flags direction bits; UNKNOWN otherwise
 * (an Ethernet capture on one interface does not say).
 */
public enum Direction {
    IN, OUT, UNKNOWN;

    /** sll_pkttype / sll2_pkttype to a direction. */
    public static Direction ofPacketType(int pkttype) {
        return switch (pkttype) {
            case 0, 1, 2, 3 -> IN;
            case 4 -> OUT;
            default -> UNKNOWN;
        };
    }

    /** The sll_pkttype fnlab writes: PACKET_OUTGOING for OUT, PACKET_HOST otherwise. */
    public int packetType() {
        return this == OUT ? 4 : 0;
    }

    /** pcapng epb_flags bits 0-1: 00 not available, 01 inbound, 10 outbound. */
    public static Direction ofEpbFlags(int flags) {
        return switch (flags & 3) {
            case 1 -> IN;
            case 2 -> OUT;
            default -> UNKNOWN;
        };
    }

    public int epbFlags() {
        return switch (this) {
            case IN -> 1;
            case OUT -> 2;
            case UNKNOWN -> 0;
        };
    }
}
