package io.fnlab.model.netfilter.match;

/**
 * xt_tcpudp for TCP: --sport, --dport, --tcp-flags MASK COMP (--syn is SYN,RST,ACK,FIN SYN),
 * --tcp-option. Null fields are absent. Flag bits use the TCP header order: FIN=1 SYN=2 RST=4
 * PSH=8 ACK=16 URG=32 ECE=64 CWR=128.
 */
public record TcpMatch(PortSpec sport, PortSpec dport, TcpFlags flags, Integer option, boolean optionNegated)
        implements Match {
    /** --tcp-flags MASK COMP with its own !. */
    public record TcpFlags(int mask, int comp, boolean negated) {
        public static final TcpFlags SYN = new TcpFlags(0x17, 0x02, false);

        public boolean matches(int flags) {
            return ((flags & mask) == comp) != negated;
        }
    }

    public String module() {
        return "tcp";
    }
}
