package io.fnlab.sim.conntrack;

/**
 * The TCP conntrack states and the transition table tcp_conntracks[dir][flag][state] of
 * net/netfilter/nf_conntrack_proto_tcp.c, with the default timeouts (tcp_timeouts[]).
 */
public enum TcpState {
    NONE(0), SYN_SENT(120), SYN_RECV(60), ESTABLISHED(432000), FIN_WAIT(120), CLOSE_WAIT(60), LAST_ACK(30),
    TIME_WAIT(120), CLOSE(10), SYN_SENT2(120),
    /** sIV: the packet is invalid for this connection. */
    INVALID(0),
    /** sIG: the packet is ignored (state kept). */
    IGNORE(0);

    /** Seconds. */
    public final int timeoutSeconds;

    TcpState(int t) {
        timeoutSeconds = t;
    }

    private static final TcpState sNO = NONE, sSS = SYN_SENT, sSR = SYN_RECV, sES = ESTABLISHED, sFW = FIN_WAIT,
            sCW = CLOSE_WAIT, sLA = LAST_ACK, sTW = TIME_WAIT, sCL = CLOSE, sS2 = SYN_SENT2, sIV = INVALID, sIG = IGNORE;

    /** Index: SYN, SYN-ACK, FIN, ACK, RST, NONE (get_conntrack_index). */
    private static final TcpState[][][] TABLE = {
        { // ORIGINAL:   sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
            /* syn    */ {sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2},
            /* synack */ {sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR},
            /* fin    */ {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
            /* ack    */ {sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV},
            /* rst    */ {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
            /* none   */ {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV}},
        { // REPLY:      sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
            /* syn    */ {sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2},
            /* synack */ {sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR},
            /* fin    */ {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
            /* ack    */ {sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG},
            /* rst    */ {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
            /* none   */ {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV}}};

    /** get_conntrack_index: RST first, then SYN(+ACK), FIN, ACK. */
    static int index(int flags) {
        if ((flags & 0x04) != 0) return 4;
        if ((flags & 0x02) != 0) return (flags & 0x10) != 0 ? 1 : 0;
        if ((flags & 0x01) != 0) return 2;
        if ((flags & 0x10) != 0) return 3;
        return 5;
    }

    public static TcpState next(TcpState from, boolean reply, int flags) {
        return TABLE[reply ? 1 : 0][index(flags)][from.ordinal()];
    }
}
