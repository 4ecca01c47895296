package io.fnlab.lab.ipvsdiff;

import io.fnlab.lab.pcap.CaptureStream;
import io.fnlab.lab.pcap.CapturedPacket;
import io.fnlab.lab.pcap.Direction;
import io.fnlab.sim.skb.SkBuff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-capture-point packet sequences from a real capture (tcpdump -i any pcap of one host) and
 * from the simulator (what one host received and transmitted, in the order it happened: {@link
 * Recipe} records it, or lab compare's SimCapture), and their normal form, so the two compare as
 * lists of strings.
 *
 * <p>Normal form: loopback traffic and non-IPv4 frames dropped (the lab's lo is ifindex 1 in every
 * namespace; the simulator's lo hops are not captures either); ports that are not "known" (the
 * services' ports) are ephemeral and get names e1, e2, ... in order of first sight (sequence numbers
 * are not compared at all); pure ACKs (flags exactly ".", no data) are dropped, because when an
 * end host acknowledges on its own or piggybacks the ACK on data is its TCP stack's choice
 * (quickack, delayed ACK), which fnlab does not model and no middlebox changes; then only the
 * first occurrence of each normalised packet is kept, because retransmissions depend on how long
 * each side waited (the lab's probe timeout, the simulator's modelled RTO), not on the path.
 */
public final class PacketSequences {
    private PacketSequences() {}

    private static final Pattern SIM_L4 = Pattern.compile("^(TCP|UDP) ([0-9.]+):(\\d+) > ([0-9.]+):(\\d+)(?: \\[([^\\]]*)\\])?(?: len (\\d+))?.*");
    private static final Pattern SIM_ICMP = Pattern.compile("^ICMP ([0-9.]+) > ([0-9.]+) type (\\d+) code (\\d+).*");

    /** The packets of a pcap/pcapng capture, in file order. */
    public static List<PacketSeen> fromCapture(byte[] capture) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("fnlab-ipvsdiff-", ".pcap");
            Files.write(tmp, capture);
            List<PacketSeen> out = new ArrayList<>();
            for (CapturedPacket p : CaptureStream.readAll(tmp)) {
                if (p.ifIndex() == 1) continue; // lo
                PacketSeen s = of(p);
                if (s != null) out.add(s);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    static PacketSeen of(CapturedPacket p) {
        boolean in = p.direction() != Direction.OUT;
        String src = p.src().toString(), dst = p.dst().toString();
        return switch (p.protocol()) {
            case 6 -> new PacketSeen(in, "TCP", src, p.sport(), dst, p.dport(), SkBuff.flagString(p.tcpFlags()),
                    p.payloadLength() > 0, -1, -1);
            case 17 -> new PacketSeen(in, "UDP", src, p.sport(), dst, p.dport(), "", p.payloadLength() > 0, -1, -1);
            case 1 -> new PacketSeen(in, "ICMP", src, 0, dst, 0, "", false, p.icmpType(), p.icmpCode());
            default -> null;
        };
    }

    /** A simulated host's capture (lab compare's SimCapture), lo left out as in {@link #fromCapture}. */
    public static List<PacketSeen> fromSimCapture(List<io.fnlab.lab.compare.SimPacket> packets) {
        List<PacketSeen> out = new ArrayList<>();
        for (io.fnlab.lab.compare.SimPacket p : packets) {
            if ("lo".equals(p.dev())) continue;
            PacketSeen s = of(p.packet().at(p.point(), 0, 0, p.direction(), p.ifIndex()));
            if (s != null) out.add(s);
        }
        return out;
    }

    /** SkBuff.toString() text back to a PacketSeen; null for what the lab's captures would not compare (IPIP). */
    static PacketSeen parseSim(boolean in, String text) {
        Matcher m = SIM_L4.matcher(text);
        if (m.matches()) {
            String flags = m.group(6) == null ? "" : m.group(6);
            boolean data = m.group(7) != null && Integer.parseInt(m.group(7)) > 0;
            return new PacketSeen(in, m.group(1), m.group(2), Integer.parseInt(m.group(3)), m.group(4),
                    Integer.parseInt(m.group(5)), m.group(1).equals("TCP") ? flags : "", data, -1, -1);
        }
        m = SIM_ICMP.matcher(text);
        if (m.matches()) {
            return new PacketSeen(in, "ICMP", m.group(1), 0, m.group(2), 0, "", false, Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)));
        }
        return null;
    }

    /**
     * The normal form (see the class comment): known ports stay, the others become e1, e2, ... by
     * first sight, and only first occurrences are kept.
     */
    public static List<String> normalise(List<PacketSeen> seq, Set<Integer> knownPorts) {
        Map<Integer, String> names = new HashMap<>();
        Set<String> out = new LinkedHashSet<>();
        for (PacketSeen p : seq) {
            if (p.proto().equals("TCP") && p.flags().equals(".") && !p.data()) continue;
            String sp = port(p.sport(), knownPorts, names), dp = port(p.dport(), knownPorts, names);
            out.add(p.render(sp, dp));
        }
        return List.copyOf(out);
    }

    private static String port(int p, Set<Integer> known, Map<Integer, String> names) {
        if (p == 0 || known.contains(p)) return Integer.toString(p);
        return names.computeIfAbsent(p, x -> "e" + (names.size() + 1));
    }
}
