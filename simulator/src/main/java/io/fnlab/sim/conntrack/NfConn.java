package io.fnlab.sim.conntrack;

import io.fnlab.model.net.FiveTuple;

/**
 * struct nf_conn: the original and reply tuples, status bits, the TCP state, the timeout and the
 * connection mark. NAT changes the reply tuple (nf_conntrack_alter_reply) before confirmation.
 */
public final class NfConn {
    // status bits (enum ip_conntrack_status)
    public static final int SEEN_REPLY = 1 << 1;
    public static final int ASSURED = 1 << 2;
    public static final int CONFIRMED = 1 << 3;
    public static final int SRC_NAT = 1 << 4;
    public static final int DST_NAT = 1 << 5;
    public static final int SRC_NAT_DONE = 1 << 7;
    public static final int DST_NAT_DONE = 1 << 8;
    public static final int DYING = 1 << 9;

    public final long id;
    public FiveTuple original;
    public FiveTuple reply;
    public int status;
    public TcpState tcpState = TcpState.NONE;
    /** Absolute simulated time (ms) at which the entry expires. */
    public long expires;
    public long mark;
    /** The hash keys (Conntrack.keyA/keyB) of original and reply, set when the entry is confirmed. */
    long origA, origB, replyA, replyB;

    /**
     * The numbers of a confirmed entry's tuple (the original, or the reply), read from its hash keys:
     * the packet path of an established connection then touches the entry only, not its tuple
     * objects (each a cache miss on a big table). Only for confirmed entries; index 0 source
     * address, 1 destination address, 2 source port, 3 destination port.
     */
    public int keyed(boolean reply, int what) {
        long a = reply ? replyA : origA, b = reply ? replyB : origB;
        return switch (what) {
            case 0 -> (int) (a >>> 32);
            case 1 -> (int) a;
            case 2 -> (int) (b >>> 24) & 0xffffff;
            default -> (int) b & 0xffffff;
        };
    }
    /** Start of the gc bucket the entry waits in ({@link GcWheel}), or NOT_QUEUED. */
    long gcQueuedAt = NOT_QUEUED;
    static final long NOT_QUEUED = Long.MIN_VALUE;
    /** Who made this binding and how, for traces ("MASQUERADE", "DNAT", "null binding"). */
    public String natNote;

    /** A new entry; reply is nf_ct_invert_tuple(original) until NAT or IPVS alters it. */
    NfConn(long id, FiveTuple original, FiveTuple reply) {
        this.id = id;
        this.original = original;
        this.reply = reply;
    }

    public boolean has(int bit) {
        return (status & bit) != 0;
    }

    public String stateName() {
        if (original.protocol().number() == 6) return tcpState.name();
        return has(SEEN_REPLY) ? "ESTABLISHED" : "UNREPLIED";
    }

    /** conntrack -L style. */
    public String describe(long now) {
        long left = Math.max(0, (expires - now) / 1000);
        String p = original.protocol().name();
        StringBuilder b = new StringBuilder();
        b.append(p).append(' ').append(original.protocol().number()).append(' ').append(left).append(' ');
        if (original.protocol().number() == 6) b.append(tcpState).append(' ');
        b.append(side(original));
        if (!has(SEEN_REPLY)) b.append(" [UNREPLIED]");
        b.append(' ').append(side(reply));
        if (has(ASSURED)) b.append(" [ASSURED]");
        b.append(" mark=").append(mark);
        return b.toString();
    }

    private static String side(FiveTuple t) {
        return "src=" + t.src() + " dst=" + t.dst() + " sport=" + t.sport() + " dport=" + t.dport();
    }
}
