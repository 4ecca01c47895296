package io.fnlab.lab.pcap;

/**
 * Link-layer facts a simulated packet lacks, needed to write it as a capture: Ethernet source and
 * destination, and for Linux cooked v2 the interface index and direction (the SLL2 address is the
 * frame's source MAC, as the kernel's af_packet fills sll_addr from dev_parse_header()).
 */
public record L2Meta(MacAddress srcMac, MacAddress dstMac, int ifIndex, Direction direction) {
    public static final L2Meta NONE = new L2Meta(MacAddress.ZERO, MacAddress.ZERO, 0, Direction.UNKNOWN);

    public static L2Meta ethernet(MacAddress src, MacAddress dst) {
        return new L2Meta(src, dst, 0, Direction.UNKNOWN);
    }

    public static L2Meta cooked(int ifIndex, Direction dir, MacAddress src) {
        return new L2Meta(src, MacAddress.ZERO, ifIndex, dir);
    }
}
