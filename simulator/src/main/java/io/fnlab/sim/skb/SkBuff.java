package io.fnlab.sim.skb;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;

/**
 * A packet in flight, mutable like the kernel's sk_buff so that a walk allocates little. It holds
 * the IPv4 header, the L4 header fields fnlab models, the metadata netfilter and IPVS read
 * (mark, conntrack reference, ipvs_property) and, for IPIP, the inner packet.
 *
 * <p>Addresses are kept as ints (Ipv4 bits) on the hot path; use {@link #tuple()} for a value.
 */
public final class SkBuff {
    // IPv4 header
    public int saddr;
    public int daddr;
    public int protocol;
    public int ttl = 64;
    public int tos;
    public int id;
    public boolean fragment;

    // TCP/UDP ports; for ICMP: sport = echo id, dport = type << 8 | code, and seq the echo sequence
    // or, for an error, the header's 32-bit rest word (a redirect's gateway)
    public int sport;
    public int dport;
    /** TCP flags in header bit order (FIN=1 SYN=2 RST=4 PSH=8 ACK=16 URG=32). */
    public int tcpFlags;
    public long seq;
    public long ack;
    public byte[] payload = EMPTY;

    /** For ICMP errors: the offending packet's header (quoted in the error). */
    public SkBuff icmpInner;
    /** For IPIP: the encapsulated packet (this packet's protocol is 4). */
    public SkBuff inner;

    // metadata
    public long mark;
    /** The conntrack entry (struct nf_conn *), an opaque reference owned by the conntrack package. */
    public Object nfct;
    /** IP_CT_ESTABLISHED / RELATED / NEW and the direction; owned by conntrack. */
    public int ctinfo;
    /** skb->_nfct == untracked template (NOTRACK, vs/conntrack=0). */
    public boolean untracked;
    /** skb->ipvs_property: IPVS already handled this packet; its hooks and xt_ipvs --ipvs see it. */
    public boolean ipvsProperty;
    /** The IPVS connection this packet belongs to (struct ip_vs_conn *), owned by the ipvs package. */
    public Object ipvsConn;

    /** Device it arrived on, device it leaves by (null when none yet). */
    public String inDev;
    public String outDev;
    /** The routing decision (skb_dst), owned by the route package. */
    public Object dst;
    /**
     * IPVS direct routing (IP_VS_RT_MODE_KNOWN_NH in __ip_vs_get_out_rt): the next hop the route
     * must use (rt_gw4) although daddr stays the VIP; 0 = none, use the route's own next hop.
     */
    public int knownNextHop;
    /** Set by a simulated socket: the packet was generated locally (OUTPUT path). */
    public boolean locallyGenerated;

    /** A flow id for traces and reports (which scenario flow this packet belongs to). */
    public String flow;

    public static final byte[] EMPTY = new byte[0];

    public SkBuff() {}

    public static SkBuff tcp(Ipv4 src, int sport, Ipv4 dst, int dport, int flags) {
        SkBuff s = new SkBuff();
        s.saddr = src.bits();
        s.daddr = dst.bits();
        s.protocol = 6;
        s.sport = sport;
        s.dport = dport;
        s.tcpFlags = flags;
        return s;
    }

    public static SkBuff udp(Ipv4 src, int sport, Ipv4 dst, int dport) {
        SkBuff s = new SkBuff();
        s.saddr = src.bits();
        s.daddr = dst.bits();
        s.protocol = 17;
        s.sport = sport;
        s.dport = dport;
        return s;
    }

    /** A copy of headers and metadata (payload shared: it is never modified in place). */
    public SkBuff copy() {
        SkBuff c = new SkBuff();
        c.saddr = saddr; c.daddr = daddr; c.protocol = protocol; c.ttl = ttl; c.tos = tos; c.id = id;
        c.fragment = fragment; c.sport = sport; c.dport = dport; c.tcpFlags = tcpFlags; c.seq = seq; c.ack = ack;
        c.payload = payload; c.icmpInner = icmpInner == null ? null : icmpInner.copy();
        c.inner = inner == null ? null : inner.copy();
        c.mark = mark; c.nfct = nfct; c.ctinfo = ctinfo; c.untracked = untracked; c.ipvsProperty = ipvsProperty;
        c.ipvsConn = ipvsConn; c.inDev = inDev; c.outDev = outDev; c.dst = dst; c.knownNextHop = knownNextHop; c.locallyGenerated = locallyGenerated;
        c.flow = flow;
        return c;
    }

    public Ipv4 src() {
        return new Ipv4(saddr);
    }

    public Ipv4 dst() {
        return new Ipv4(daddr);
    }

    public FiveTuple tuple() {
        return new FiveTuple(new Protocol(protocol), new Ipv4(saddr), sport, new Ipv4(daddr), dport);
    }

    public boolean isTcp() {
        return protocol == 6;
    }

    public boolean isUdp() {
        return protocol == 17;
    }

    public boolean isIcmp() {
        return protocol == 1;
    }

    public static String flagString(int f) {
        StringBuilder b = new StringBuilder();
        if ((f & 0x02) != 0) b.append('S');
        if ((f & 0x01) != 0) b.append('F');
        if ((f & 0x04) != 0) b.append('R');
        if ((f & 0x08) != 0) b.append('P');
        if ((f & 0x10) != 0) b.append('.');
        if ((f & 0x20) != 0) b.append('U');
        return b.toString();
    }

    /** tcpdump-like one-liner, used in traces. */
    @Override
    public String toString() {
        String base = new Ipv4(saddr) + (hasPorts() ? ":" + sport : "") + " > " + new Ipv4(daddr) + (hasPorts() ? ":" + dport : "");
        return switch (protocol) {
            case 6 -> "TCP " + base + " [" + flagString(tcpFlags) + "]" + (payload.length > 0 ? " len " + payload.length : "");
            case 17 -> "UDP " + base + " len " + payload.length;
            case 1 -> "ICMP " + base + " type " + (dport >> 8) + " code " + (dport & 255);
            case 4 -> "IPIP " + base + " (" + inner + ")";
            default -> "proto " + protocol + " " + base;
        };
    }

    private boolean hasPorts() {
        return protocol == 6 || protocol == 17 || protocol == 132;
    }
}
