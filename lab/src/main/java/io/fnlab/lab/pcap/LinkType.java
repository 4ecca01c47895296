package io.fnlab.lab.pcap;

/**
 * The link-layer header types fnlab reads and writes (LINKTYPE_* numbers of the pcap/pcapng
 * specification, https://www.tcpdump.org/linktypes.html). Anything else is reported, not guessed.
 */
public enum LinkType {
    ETHERNET(1),
    /** LINKTYPE_RAW: raw IPv4 or IPv6, version taken from the first nibble. */
    RAW(101),
    /** LINKTYPE_LINUX_SLL: Linux cooked capture v1, 16-byte header (tcpdump -i any before libpcap 1.10). */
    LINUX_SLL(113),
    /** LINKTYPE_IPV4: raw IPv4 only. */
    IPV4(228),
    /** LINKTYPE_LINUX_SLL2: Linux cooked capture v2, 20-byte header with the interface index. */
    LINUX_SLL2(276),
    /** Any other number; frames on such an interface are counted as unsupported. */
    UNSUPPORTED(-1);

    private final int code;

    LinkType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The link type for a LINKTYPE number (the FCS bits 28..31 of a pcap header are masked off by the caller). */
    public static LinkType of(int code) {
        return switch (code) {
            case 1 -> ETHERNET;
            case 101 -> RAW;
            case 113 -> LINUX_SLL;
            case 228 -> IPV4;
            case 276 -> LINUX_SLL2;
            default -> UNSUPPORTED;
        };
    }
}
