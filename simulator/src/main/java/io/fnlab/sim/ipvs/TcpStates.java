package io.fnlab.sim.ipvs;

/**
 * IPVS's own TCP state machine (ip_vs_proto_tcp.c): tcp_states[] with its INPUT, OUTPUT and
 * INPUT-ONLY row groups (TCP_DIR_INPUT 0, TCP_DIR_OUTPUT 4, TCP_DIR_INPUT_ONLY 8), tcp_state_idx
 * (rst, then syn, then fin, then ack), tcp_state_active_table and tcp_timeouts. fnlab models the
 * normal table (secure_tcp / tcp_states_dos is not modelled).
 */
public final class TcpStates {
    public static final int NONE = 0, ESTABLISHED = 1, SYN_SENT = 2, SYN_RECV = 3, FIN_WAIT = 4, TIME_WAIT = 5,
            CLOSE = 6, CLOSE_WAIT = 7, LAST_ACK = 8, LISTEN = 9, SYNACK = 10, LAST = 11;

    public static final String[] NAMES = {"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT",
            "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK"};

    /** tcp_timeouts in seconds. */
    public static final int[] DEFAULT_TIMEOUTS = {2, 15 * 60, 2 * 60, 60, 2 * 60, 2 * 60, 10, 60, 30, 2 * 60, 120};

    /** Directions as IP_VS_DIR_INPUT, IP_VS_DIR_OUTPUT (tcp_state_off maps them to 0 and 4). */
    public static final int DIR_INPUT = 0, DIR_OUTPUT = 1;

    private static final int sNO = NONE, sES = ESTABLISHED, sSS = SYN_SENT, sSR = SYN_RECV, sFW = FIN_WAIT,
            sTW = TIME_WAIT, sCL = CLOSE, sCW = CLOSE_WAIT, sLA = LAST_ACK, sLI = LISTEN, sSA = SYNACK;

    private static final int[][] TABLE = {
            /* INPUT */
            /*        sNO, sES, sSS, sSR, sFW, sTW, sCL, sCW, sLA, sLI, sSA */
            /*syn*/ {sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR},
            /*fin*/ {sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW},
            /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES},
            /*rst*/ {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR},
            /* OUTPUT */
            /*syn*/ {sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR},
            /*fin*/ {sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW},
            /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES},
            /*rst*/ {sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL},
            /* INPUT-ONLY */
            /*syn*/ {sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR},
            /*fin*/ {sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW},
            /*ack*/ {sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES},
            /*rst*/ {sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL},
    };

    private TcpStates() {}

    /** tcp_state_active_table: ESTABLISHED, SYN_SENT, SYN_RECV, SYNACK count as active. */
    public static boolean active(int state) {
        return state == ESTABLISHED || state == SYN_SENT || state == SYN_RECV || state == SYNACK;
    }

    /** tcp_state_idx: -1 when no flag of interest is set. */
    static int stateIdx(int flags) {
        if ((flags & 0x04) != 0) return 3;
        if ((flags & 0x02) != 0) return 0;
        if ((flags & 0x01) != 0) return 1;
        if ((flags & 0x10) != 0) return 2;
        return -1;
    }

    /**
     * The next state for a packet with these TCP flags: the row offset is 0 (input), 4 (output) or
     * 8 (input-only, when the connection has IP_VS_CONN_F_NOOUTPUT and the packet is input). With no
     * flag of interest the kernel goes to CLOSE (new_state's initial value).
     */
    static int next(int state, int rowOffset, int flags) {
        int idx = stateIdx(flags);
        if (idx < 0) return CLOSE;
        return TABLE[rowOffset + idx][state];
    }

    public static String name(int state) {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "ERR!";
    }
}
