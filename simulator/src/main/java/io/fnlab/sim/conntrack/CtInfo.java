package io.fnlab.sim.conntrack;

/** enum ip_conntrack_info (include/uapi/linux/netfilter/nf_conntrack_common.h): kept in skb.ctinfo. */
public final class CtInfo {
    public static final int ESTABLISHED = 0;
    public static final int RELATED = 1;
    public static final int NEW = 2;
    public static final int IS_REPLY = 3;
    public static final int ESTABLISHED_REPLY = ESTABLISHED + IS_REPLY;
    public static final int RELATED_REPLY = RELATED + IS_REPLY;
    public static final int UNTRACKED = 7;

    public static boolean isReply(int ctinfo) {
        return ctinfo >= IS_REPLY && ctinfo != UNTRACKED;
    }

    public static String name(int ctinfo) {
        return switch (ctinfo) {
            case ESTABLISHED -> "ESTABLISHED";
            case RELATED -> "RELATED";
            case NEW -> "NEW";
            case ESTABLISHED_REPLY -> "ESTABLISHED(reply)";
            case RELATED_REPLY -> "RELATED(reply)";
            case UNTRACKED -> "UNTRACKED";
            default -> "?" + ctinfo;
        };
    }

    private CtInfo() {}
}
