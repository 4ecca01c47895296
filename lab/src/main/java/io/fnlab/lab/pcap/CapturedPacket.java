package io.fnlab.lab.pcap;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.sim.skb.SkBuff;

/**
 * One IPv4 packet as fnlab compares it: where and when it was seen and the header fields the
 * simulator models. Ports follow {@link SkBuff}'s convention so that a simulated packet and a
 * captured one compare field by field: for ICMP, {@code sport} is the echo id (0 for other
 * types) and {@code dport} is {@code type << 8 | code}; {@code seq} is the echo sequence, and
 * for ICMP errors the 32-bit rest-of-header word (next-hop MTU, gateway, pointer).
 *
 * @param capturePoint pcapng if_name when present, else the capture file's name
 * @param index 0-based position of the frame in the file (non-IPv4 frames count too)
 * @param direction from the Linux cooked header or pcapng epb_flags, else UNKNOWN
 * @param ifIndex the SLL2 interface index (tcpdump -i any), 0 when the capture does not say
 * @param payloadLength from the IP total length, not the captured length: bytes after the L4
 *     header (TCP data offset, 8 for UDP and ICMP, 0 for other protocols); -1 in a quoted header
 * @param fragment MF set or a non-zero fragment offset; a non-first fragment has no ports
 * @param truncated the snaplen cut the headers, so some fields read as 0
 * @param quoted for ICMP errors, the offending packet's header as quoted (only the fields the
 *     IP header and the first 8 L4 bytes hold: no TCP flags or ack, payloadLength -1)
 * @param inner for IPIP (protocol 4), the encapsulated packet
 */
public record CapturedPacket(
        String capturePoint, long index, long timestampNanos, Direction direction, int ifIndex,
        Ipv4 src, Ipv4 dst, int protocol, int sport, int dport,
        int tcpFlags, long seq, long ack, int payloadLength,
        int ttl, int ipId, int tos, boolean fragment, boolean truncated,
        CapturedPacket quoted, CapturedPacket inner) {

    public int icmpType() {
        return protocol == 1 ? dport >> 8 : -1;
    }

    public int icmpCode() {
        return protocol == 1 ? dport & 0xff : -1;
    }

    public FiveTuple tuple() {
        return new FiveTuple(new Protocol(protocol), src, sport, dst, dport);
    }

    /** ICMP types whose body quotes the offending packet (RFC 792): unreachable, quench, redirect, time exceeded, parameter problem. */
    public static boolean isIcmpError(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** The same packet without the capture metadata (point, index, time, direction, ifindex), for comparing headers only. */
    public CapturedPacket headers() {
        return new CapturedPacket(null, 0, 0, Direction.UNKNOWN, 0, src, dst, protocol, sport, dport, tcpFlags, seq, ack,
                payloadLength, ttl, ipId, tos, fragment, truncated,
                quoted == null ? null : quoted.headers(), inner == null ? null : inner.headers());
    }

    /** With capture metadata set (used by the decoder and by tests building expectations). */
    public CapturedPacket at(String point, long idx, long tsNanos, Direction dir, int ifindex) {
        return new CapturedPacket(point, idx, tsNanos, dir, ifindex, src, dst, protocol, sport, dport, tcpFlags, seq, ack,
                payloadLength, ttl, ipId, tos, fragment, truncated,
                quoted == null ? null : quoted.at(point, idx, tsNanos, dir, ifindex),
                inner == null ? null : inner.at(point, idx, tsNanos, dir, ifindex));
    }

    /** What an ICMP error quotes of this packet: IP header and first 8 L4 bytes. */
    public CapturedPacket asQuoted() {
        long qseq = protocol == 6 || protocol == 1 ? seq : 0;
        return new CapturedPacket(capturePoint, index, timestampNanos, direction, ifIndex, src, dst, protocol,
                sport, dport, 0, qseq, 0, -1, ttl, ipId, tos, fragment, false, null, null);
    }

    /**
     * The record the capture of {@code skb} (as {@link PacketEncoder} writes it) decodes to, without
     * capture metadata. Lets the comparison and the round-trip tests work on one representation.
     */
    public static CapturedPacket fromSkBuff(SkBuff s) {
        int proto = s.protocol & 0xff;
        int sport = 0, dport = 0, flags = 0, payload;
        long seq = 0, ack = 0;
        CapturedPacket quoted = null, inner = null;
        switch (proto) {
            case 6 -> {
                sport = s.sport & 0xffff; dport = s.dport & 0xffff; flags = s.tcpFlags & 0xff;
                seq = s.seq & 0xffffffffL; ack = s.ack & 0xffffffffL; payload = s.payload.length;
            }
            case 17 -> { sport = s.sport & 0xffff; dport = s.dport & 0xffff; payload = s.payload.length; }
            case 1 -> {
                dport = s.dport & 0xffff;
                if (isIcmpError(dport >> 8) && s.icmpInner != null) {
                    quoted = fromSkBuff(s.icmpInner).asQuoted();
                    payload = PacketEncoder.quotedLength(s.icmpInner);
                } else if (isIcmpError(dport >> 8)) {
                    payload = s.payload.length;
                } else {
                    sport = s.sport & 0xffff; seq = s.seq & 0xffff; payload = s.payload.length;
                }
            }
            case 4 -> {
                if (s.inner != null) {
                    inner = fromSkBuff(s.inner);
                    payload = PacketEncoder.length(s.inner);
                } else {
                    payload = s.payload.length;
                }
            }
            default -> payload = s.payload.length;
        }
        return new CapturedPacket(null, 0, 0, Direction.UNKNOWN, 0, new Ipv4(s.saddr), new Ipv4(s.daddr), proto,
                sport, dport, flags, seq, ack, payload, s.ttl & 0xff, s.id & 0xffff, s.tos & 0xff, s.fragment, false, quoted, inner);
    }

    /** tcpdump-like one-liner. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (capturePoint != null) b.append(capturePoint).append('#').append(index).append(' ');
        if (direction != Direction.UNKNOWN) b.append(direction).append(' ');
        String ports = protocol == 6 || protocol == 17 ? ":" : null;
        b.append(src).append(ports != null ? ports + sport : "").append(" > ").append(dst).append(ports != null ? ports + dport : "");
        switch (protocol) {
            case 6 -> b.append(" TCP [").append(SkBuff.flagString(tcpFlags)).append("] seq ").append(seq).append(" ack ").append(ack);
            case 17 -> b.append(" UDP");
            case 1 -> b.append(" ICMP type ").append(icmpType()).append(" code ").append(icmpCode()).append(" id ").append(sport).append(" seq ").append(seq);
            case 4 -> b.append(" IPIP");
            default -> b.append(" proto ").append(protocol);
        }
        b.append(" len ").append(payloadLength).append(" ttl ").append(ttl).append(" id ").append(ipId);
        if (fragment) b.append(" frag");
        if (truncated) b.append(" truncated");
        if (quoted != null) b.append(" quoting (").append(quoted.headers()).append(')');
        if (inner != null) b.append(" (").append(inner.headers()).append(')');
        return b.toString();
    }
}
