package io.fnlab.sim.neigh;

/**
 * The ARP policy knobs of net/ipv4/arp.c. The host supplies its addresses through {@link Addrs};
 * these functions decide as arp_ignore() and arp_solicit() do.
 */
public final class Arp {
    /** What the decisions need to know of the host's addresses. */
    public interface Addrs {
        /** inet_addr_type(tip) == RTN_LOCAL: configured on any device of the host. */
        boolean isLocal(int addr);

        /** The address is configured on this device (any scope up to host). */
        boolean onDevice(String dev, int addr);

        /** The address is on this device and sip is in the subnet of that address. */
        boolean onDeviceSameSubnet(String dev, int addr, int sip);

        /** inet_addr_onlink(in_dev, a, b): both in a subnet configured on the device. */
        boolean onLink(String dev, int a, int b);

        /** inet_select_addr(dev, dst, RT_SCOPE_LINK). */
        int selectAddr(String dev, int dst);
    }

    /**
     * arp_process + arp_ignore: answer a request for tip from sip arriving on dev? arpIgnore is
     * max(conf.all, conf.DEV) (IN_DEV_ARP_IGNORE). Returns null to answer, else why not.
     */
    public static String whyNotAnswer(Addrs a, String dev, int sip, int tip, int arpIgnore) {
        if (!a.isLocal(tip)) return "target address is not local";
        return switch (arpIgnore) {
            case 0 -> null;
            case 1 -> a.onDevice(dev, tip) ? null : "arp_ignore=1: target not configured on " + dev;
            case 2 -> a.onDeviceSameSubnet(dev, tip, sip) ? null
                    : "arp_ignore=2: target not on " + dev + " in the sender's subnet";
            case 3 -> null; // scope host addresses are not answered: fnlab treats lo addresses as global here
            case 8 -> "arp_ignore=8: never answer";
            default -> null;
        };
    }

    /** arp_solicit: the sender address put in a request for target, per arp_announce (max of all and DEV). */
    public static int requestSource(Addrs a, String dev, int skbSaddr, int target, int arpAnnounce) {
        int saddr = 0;
        switch (arpAnnounce) {
            case 0:
                if (skbSaddr != 0 && a.isLocal(skbSaddr)) saddr = skbSaddr;
                break;
            case 1:
                if (skbSaddr != 0 && a.isLocal(skbSaddr) && a.onLink(dev, target, skbSaddr)) saddr = skbSaddr;
                break;
            default:
                break;
        }
        if (saddr == 0) saddr = a.selectAddr(dev, target);
        return saddr;
    }

    private Arp() {}
}
