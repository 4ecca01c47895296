package io.fnlab.lab.compare;

import io.fnlab.lab.pcap.CaptureStream;
import io.fnlab.lab.pcap.CapturedPacket;
import io.fnlab.lab.pcap.Direction;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.scenario.Traffic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aligns captures with the simulation, one capture point at a time. Captured packets are streamed:
 * besides the simulated packets (bounded by the scenario) only per-connection bindings and at most
 * {@link #MAX_DIFFERENCES} reported differences are kept, whatever the capture's length.
 *
 * <p>A captured packet is aligned with the earliest not yet aligned simulated packet at the same
 * point and direction that it equals once run-time choices are unified (see {@link Bindings});
 * TTL, IP id and timing: the IP id is not compared (the kernel picks it per socket or per
 * destination, ip_select_ident), timing is ignored, every other modelled header field must be
 * equal. A captured packet that equals none is reported as DIFFERS against the closest
 * candidate (at most {@link #CLOSE} fields apart, same protocol), else UNEXPECTED; simulated
 * packets never captured are MISSING.
 */
public final class Comparison {
    public static final int MAX_DIFFERENCES = 1000;
    static final int CLOSE = 3;

    private final SimCapture sim;
    private final Set<Integer> fixedPorts = new HashSet<>();
    private final Map<String, PointStats> stats = new LinkedHashMap<>();
    private final List<Difference> differences = new ArrayList<>();
    private long moreDifferences;
    private final boolean strict;

    /** Counts of one capture point. */
    public record PointStats(String point, String file, long captured, long simulated, long agreed, long skipped, long endpointOnly, long notModelled) {}

    /** Path mode (see {@link #Comparison(SimCapture, boolean)}). */
    public Comparison(SimCapture sim) {
        this(sim, false);
    }

    /**
     * In path mode ({@code strict} false) what only the TCP endpoints decide is not held against
     * the path: when a pure ACK is sent (delayed ACK, tcp_send_delayed_ack) and who closes first
     * (the application). A captured pure ACK that equals no simulated packet passes if its
     * addresses and ports are those of a simulated packet at the same point and direction (so a
     * NAT mistake on an ACK is still caught); a simulated pure ACK never captured is not missing;
     * a FIN's ack number is not compared; a captured copy of a packet already aligned is a
     * retransmission and passes. Strict mode compares every segment.
     */
    public Comparison(SimCapture sim, boolean strict) {
        this.sim = sim;
        this.strict = strict;
        for (Server s : sim.scenario().servers()) fixedPorts.add(s.port());
        for (Traffic t : sim.scenario().traffic()) {
            if (t instanceof Traffic.Flow f) {
                fixedPorts.add(f.to().port());
                if (f.sourcePort() != null) fixedPorts.add(f.sourcePort());
            }
        }
    }

    /** Compares the capture file of one host; a damaged file is a ParseError (file and byte offset). */
    public void compare(String point, Path capture) {
        if (!sim.points().contains(point))
            throw new IllegalArgumentException("capture " + capture + ": scenario " + sim.scenario().name() + " has no host '" + point
                    + "' (hosts: " + String.join(", ", sim.points()) + ")");
        try (CaptureStream s = CaptureStream.open(capture)) {
            compare(point, capture.getFileName().toString(), s);
        }
    }

    /** Compares a stream of captured packets with the simulated packets of one host. */
    public void compare(String point, String file, java.util.Iterator<CapturedPacket> captured) {
        List<SimPacket> exp = sim.at(point);
        boolean[] used = new boolean[exp.size()];
        Map<String, Bindings> bindings = new HashMap<>();
        long n = 0, agreed = 0, endpointOnly = 0, notModelled = 0;
        int first = 0;
        while (captured.hasNext()) {
            CapturedPacket r = captured.next();
            n++;
            if (r.protocol() == 2) { // IGMP: the kernel's multicast joins when a device comes up; fnlab does not model IGMP
                notModelled++;
                continue;
            }
            while (first < used.length && used[first]) first++;
            int match = -1, best = -1;
            List<String> bestFields = null;
            for (int i = first; i < exp.size(); i++) {
                if (used[i]) continue;
                SimPacket s = exp.get(i);
                if (r.direction() != Direction.UNKNOWN && s.direction() != r.direction()) continue;
                Bindings b = bindings.computeIfAbsent(String.valueOf(s.flow()), k -> new Bindings(fixedPorts, synSenders(exp, k))).trial();
                List<String> f = diff(s.packet(), r, b, "", strict);
                if (f.isEmpty()) {
                    b.commit();
                    match = i;
                    break;
                }
                if (s.packet().protocol() == r.protocol() && f.size() <= CLOSE && (bestFields == null || f.size() < bestFields.size())) {
                    best = i;
                    bestFields = f;
                }
            }
            if (match >= 0) {
                used[match] = true;
                agreed++;
            } else if (!strict && pureAck(r) && sameTuple(exp, r, bindings)) {
                endpointOnly++;
            } else if (!strict && retransmission(exp, used, r, bindings)) {
                endpointOnly++;
            } else if (best >= 0) {
                used[best] = true;
                SimPacket s = exp.get(best);
                Bindings b = bindings.get(String.valueOf(s.flow())).trial();
                diff(s.packet(), r, b, "", strict);
                b.commit(); // what did agree binds, so the rest of the flow is judged on its own
                report(new Difference(Difference.Kind.DIFFERS, point, r.direction(), r, s, bestFields));
            } else {
                report(new Difference(Difference.Kind.UNEXPECTED, point, r.direction(), r, null, List.of()));
            }
        }
        for (int i = 0; i < exp.size(); i++) {
            if (!used[i] && (strict || !pureAck(exp.get(i).packet()))) report(new Difference(Difference.Kind.MISSING, point, exp.get(i).direction(), null, exp.get(i), List.of()));
        }
        long skipped = captured instanceof CaptureStream cs ? cs.stats().skippedCount() : 0;
        stats.put(point, new PointStats(point, file, n, exp.size(), agreed, skipped, endpointOnly, notModelled));
    }

    private static boolean sameTuple(CapturedPacket p, CapturedPacket r, Bindings b) {
        if (p.protocol() != r.protocol() || !p.src().equals(r.src()) || !p.dst().equals(r.dst())) return false;
        if (p.protocol() == 4) return p.inner() != null && r.inner() != null && sameTuple(p.inner(), r.inner(), b);
        return p.protocol() == 6 && b.port(p.src().toString(), p.sport(), r.sport()) && b.port(p.dst().toString(), p.dport(), r.dport());
    }

    /**
     * Whether r equals a simulated packet already aligned (bindings held): a retransmission whose
     * timer the endpoint decides (tcp_retransmit_timer, the SYN-ACK's inet_rtx_syn_ack), on a path
     * the simulation already predicted.
     */
    private static boolean retransmission(List<SimPacket> exp, boolean[] used, CapturedPacket r, Map<String, Bindings> bindings) {
        for (int i = 0; i < exp.size(); i++) {
            SimPacket s = exp.get(i);
            if (!used[i] || (r.direction() != Direction.UNKNOWN && s.direction() != r.direction())) continue;
            Bindings b = bindings.get(String.valueOf(s.flow()));
            if (b == null) continue;
            boolean same = diff(s.packet(), r, b.trial(), "", true).isEmpty();
            b.trial();
            if (same) return true;
        }
        return false;
    }

    /** Endpoints (ip:port) that send a SYN in the simulated connection {@code flow} at this point. */
    private static Set<String> synSenders(List<SimPacket> exp, String flow) {
        Set<String> out = new HashSet<>();
        for (SimPacket s : exp) {
            CapturedPacket p = s.packet();
            if (String.valueOf(s.flow()).equals(flow) && p.protocol() == 6 && (p.tcpFlags() & 0x02) != 0) out.add(p.src() + ":" + p.sport());
        }
        return out;
    }

    /** A TCP segment with ACK alone (PSH allowed) and no data: the endpoint's timing, not the path's. */
    static boolean pureAck(CapturedPacket p) {
        if (p.protocol() == 4 && p.inner() != null) return pureAck(p.inner()); // IPVS tunnel mode carries the client's ACKs
        return p.protocol() == 6 && (p.tcpFlags() & 0x17) == 0x10 && p.payloadLength() == 0;
    }

    /** Whether some simulated packet at this point, same direction, has r's addresses and ports (bindings held). */
    private boolean sameTuple(List<SimPacket> exp, CapturedPacket r, Map<String, Bindings> bindings) {
        for (SimPacket s : exp) {
            if (r.direction() != Direction.UNKNOWN && s.direction() != r.direction()) continue;
            Bindings b = bindings.get(String.valueOf(s.flow()));
            if (b == null) continue;
            boolean ok = sameTuple(s.packet(), r, b.trial());
            b.trial();
            if (ok) return true;
        }
        return false;
    }

    private void report(Difference d) {
        if (differences.size() < MAX_DIFFERENCES) differences.add(d);
        else moreDifferences++;
    }

    /** Field by field, with run-time choices unified through b; empty when they agree. */
    static List<String> diff(CapturedPacket s, CapturedPacket r, Bindings b, String prefix, boolean strict) {
        List<String> out = new ArrayList<>();
        if (s.protocol() != r.protocol()) {
            out.add(prefix + "protocol: captured " + r.protocol() + ", simulated " + s.protocol());
            return out;
        }
        field(out, prefix + "src", r.src(), s.src());
        field(out, prefix + "dst", r.dst(), s.dst());
        int p = s.protocol();
        if (p == 6 || p == 17) {
            if (!(r.fragment() && r.sport() == 0)) {
                if (!b.port(s.src().toString(), s.sport(), r.sport())) out.add(prefix + "sport: captured " + r.sport() + ", simulated " + s.sport());
                if (!b.port(s.dst().toString(), s.dport(), r.dport())) out.add(prefix + "dport: captured " + r.dport() + ", simulated " + s.dport());
            }
        }
        if (p == 1) {
            field(out, prefix + "icmp type/code", r.icmpType() + "/" + r.icmpCode(), s.icmpType() + "/" + s.icmpCode());
        }
        if (p == 6 && r.payloadLength() >= 0 && s.payloadLength() >= 0) {
            field(out, prefix + "tcp flags", io.fnlab.sim.skb.SkBuff.flagString(r.tcpFlags()), io.fnlab.sim.skb.SkBuff.flagString(s.tcpFlags()));
            String from = s.src() + ":" + s.sport(), to = s.dst() + ":" + s.dport();
            boolean syn = (s.tcpFlags() & 0x02) != 0;
            if (!b.seq(from, s.seq(), r.seq(), syn))
                out.add(prefix + "seq: captured " + r.seq() + ", simulated " + s.seq() + " (expected " + b.realSeq(from, s.seq()) + ")");
            boolean fin = (s.tcpFlags() & 0x01) != 0;
            if ((s.tcpFlags() & 0x10) != 0 && (r.tcpFlags() & 0x10) != 0 && (strict || !fin) && !b.seq(to, s.ack() - 1, r.ack() - 1, false))
                out.add(prefix + "ack: captured " + r.ack() + ", simulated " + s.ack());
        }
        // an ICMP error quotes as much of the offending packet as fits in 576 bytes (icmp_send), and
        // so does the simulated one (PacketEncoder.quotedLength), but its length follows the TCP
        // options of the quoted SYN (20 bytes on a real 6.1 kernel), which fnlab does not model
        boolean icmpError = p == 1 && CapturedPacket.isIcmpError(s.icmpType());
        // an IPIP packet's length is its inner packet's, compared below field by field (TCP options aside)
        boolean tunnel = p == 4 && s.inner() != null && r.inner() != null;
        if (!r.truncated() && !icmpError && !tunnel && r.payloadLength() >= 0 && s.payloadLength() >= 0)
            field(out, prefix + "payload length", r.payloadLength(), s.payloadLength());
        if (s.payloadLength() >= 0) field(out, prefix + "ttl", r.ttl(), s.ttl()); // a quoted header's TTL is as the error's sender saw it
        field(out, prefix + "tos", r.tos(), s.tos());
        field(out, prefix + "fragment", r.fragment(), s.fragment());
        if (s.quoted() != null || r.quoted() != null) {
            if (s.quoted() == null || r.quoted() == null) out.add(prefix + "quoted packet: captured " + r.quoted() + ", simulated " + s.quoted());
            else out.addAll(diff(s.quoted(), r.quoted(), b, prefix + "quoted ", strict));
        }
        if (s.inner() != null || r.inner() != null) {
            if (s.inner() == null || r.inner() == null) out.add(prefix + "inner packet: captured " + r.inner() + ", simulated " + s.inner());
            else out.addAll(diff(s.inner(), r.inner(), b, prefix + "inner ", strict));
        }
        return out;
    }

    private static void field(List<String> out, String name, Object real, Object sim) {
        if (!real.equals(sim)) out.add(name + ": captured " + real + ", simulated " + sim);
    }

    /** The verdict so far. */
    public CompareReport report() {
        List<String> notCaptured = sim.points().stream().filter(p -> !stats.containsKey(p)).toList();
        return new CompareReport(sim.scenario().name(), strict, List.copyOf(stats.values()), List.copyOf(differences), moreDifferences, notCaptured);
    }
}
