package io.fnlab.lab.ipvsdiff;

/**
 * One packet as a capture point saw it, reduced to what both worlds (real kernel captures and
 * simulator traces) can state alike: direction at the host (in/out), protocol, addresses, ports,
 * TCP flags in tcpdump's notation (S, S., ., P., F., R, R.), whether it carried data; for ICMP
 * the ports are 0 and type/code are kept instead.
 */
public record PacketSeen(boolean in, String proto, String src, int sport, String dst, int dport, String flags,
                         boolean data, int icmpType, int icmpCode) {

    /** With the ports replaced (see {@link PacketSequences#normalise}). */
    PacketSeen withPorts(int sp, int dp) {
        return new PacketSeen(in, proto, src, sp, dst, dp, flags, data, icmpType, icmpCode);
    }

    /** tcpdump-like text; ports print as given (after normalising, ephemeral ones read eN). */
    public String render(String sp, String dp) {
        String dir = in ? "in  " : "out ";
        if (proto.equals("ICMP")) return dir + "ICMP " + src + " > " + dst + " type " + icmpType + " code " + icmpCode;
        return dir + proto + " " + src + ":" + sp + " > " + dst + ":" + dp
                + (proto.equals("TCP") ? " [" + flags + "]" : "") + (data ? " data" : "");
    }
}
