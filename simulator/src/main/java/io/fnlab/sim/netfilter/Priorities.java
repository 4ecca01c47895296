package io.fnlab.sim.netfilter;

/** enum nf_ip_hook_priorities (include/uapi/linux/netfilter_ipv4.h) and the IPVS ones (ip_vs_core.c). */
public final class Priorities {
    public static final int CONNTRACK_DEFRAG = -400;
    public static final int RAW = -300;
    public static final int SELINUX_FIRST = -225;
    public static final int CONNTRACK = -200;
    public static final int MANGLE = -150;
    public static final int NAT_DST = -100;
    public static final int FILTER = 0;
    public static final int SECURITY = 50;
    public static final int NAT_SRC = 100;
    public static final int CONNTRACK_HELPER = Integer.MAX_VALUE - 2;
    public static final int CONNTRACK_CONFIRM = Integer.MAX_VALUE;

    /** IPVS: NF_IP_PRI_NAT_SRC - 2 and - 1 at LOCAL_IN, NF_IP_PRI_NAT_DST + 1 and + 2 at LOCAL_OUT, ... */
    public static final int IPVS_REPLY_LOCAL_IN = NAT_SRC - 2;
    public static final int IPVS_REQUEST_LOCAL_IN = NAT_SRC - 1;
    public static final int IPVS_LOCAL_REPLY_OUT = NAT_DST + 1;
    public static final int IPVS_LOCAL_REQUEST_OUT = NAT_DST + 2;
    public static final int IPVS_FORWARD_ICMP = 99;
    public static final int IPVS_REPLY_FORWARD = 100;

    private Priorities() {}
}
