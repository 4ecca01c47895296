package io.fnlab.lab.pcap;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a capture of the lab's traffic must show, whatever the ISNs, ports and times the kernel
 * chose: client 10.77.0.1 opens TCP to 10.77.0.2:8080, sends "hello\n", closes; pings twice;
 * sends one UDP datagram to port 9999, which the server answers with port unreachable.
 */
final class RealTrafficChecks {
    static final Ipv4 CLIENT = Ipv4.parse("10.77.0.1"), SERVER = Ipv4.parse("10.77.0.2");

    private RealTrafficChecks() {}

    /** Checks one capture point's packets; {@code directions} when the capture says which way; {@code stats} (may be null) of a one-interface file. */
    static void check(String what, List<CapturedPacket> all, CaptureStats stats, boolean directions) {
        List<CapturedPacket> p = all.stream().filter(x -> x.src().equals(CLIENT) && x.dst().equals(SERVER) || x.src().equals(SERVER) && x.dst().equals(CLIENT)).toList();
        String ctx = what + ":\n" + String.join("\n", p.stream().map(Object::toString).toList()) + "\n" + (stats == null ? "" : stats.report());
        CapturedPacket syn = one(p, x -> x.protocol() == 6 && x.tcpFlags() == 0x02, "SYN", ctx);
        assertEquals(CLIENT, syn.src(), ctx);
        assertEquals(8080, syn.dport(), ctx);
        CapturedPacket synAck = one(p, x -> x.protocol() == 6 && x.tcpFlags() == 0x12, "SYN-ACK", ctx);
        assertEquals(SERVER, synAck.src(), ctx);
        assertEquals(syn.sport(), synAck.dport(), ctx);
        assertEquals((syn.seq() + 1) & 0xffffffffL, synAck.ack(), "SYN-ACK acknowledges the ISN: " + ctx);
        CapturedPacket ack = p.get(p.indexOf(synAck) + 1);
        assertEquals(0x10, ack.tcpFlags(), "third packet of the handshake is a bare ACK: " + ctx);
        assertEquals((synAck.seq() + 1) & 0xffffffffL, ack.ack(), ctx);
        assertEquals((syn.seq() + 1) & 0xffffffffL, ack.seq(), ctx);
        CapturedPacket data = one(p, x -> x.protocol() == 6 && x.payloadLength() > 0, "data segment", ctx);
        assertEquals(6, data.payloadLength(), "hello\\n: " + ctx);
        assertEquals(0x18, data.tcpFlags(), ctx);
        assertEquals(2, p.stream().filter(x -> x.protocol() == 6 && (x.tcpFlags() & 0x01) != 0).count(), "two FINs: " + ctx);
        assertEquals(0, syn.payloadLength(), "TCP options are header, not payload: " + ctx);

        List<CapturedPacket> req = p.stream().filter(x -> x.protocol() == 1 && x.icmpType() == 8).toList();
        List<CapturedPacket> rep = p.stream().filter(x -> x.protocol() == 1 && x.icmpType() == 0).toList();
        assertEquals(2, req.size(), ctx);
        assertEquals(2, rep.size(), ctx);
        for (int i = 0; i < 2; i++) {
            assertEquals(i, req.get(i).seq(), ctx);
            assertEquals(req.get(0).sport(), req.get(i).sport(), "one echo id: " + ctx);
            assertEquals(req.get(i).sport(), rep.get(i).sport(), ctx);
            assertEquals(i, rep.get(i).seq(), ctx);
            assertEquals(56, req.get(i).payloadLength(), ctx);
        }

        CapturedPacket udp = one(p, x -> x.protocol() == 17, "UDP datagram", ctx);
        assertEquals(9999, udp.dport(), ctx);
        assertEquals(2, udp.payloadLength(), ctx);
        CapturedPacket unreach = one(p, x -> x.protocol() == 1 && x.icmpType() == 3, "port unreachable", ctx);
        assertEquals(3, unreach.icmpCode(), ctx);
        assertNotNull(unreach.quoted(), ctx);
        assertEquals(udp.headers().asQuoted(), unreach.quoted().headers(), "the error quotes the datagram: " + ctx);

        if (directions) {
            for (CapturedPacket x : p) assertEquals(x.src().equals(CLIENT) ? Direction.OUT : Direction.IN, x.direction(), x + "\n" + ctx);
        }
        for (int i = 1; i < p.size(); i++) {
            assertTrue(p.get(i).timestampNanos() >= p.get(i - 1).timestampNanos(), "time goes forward: " + ctx);
        }
        if (stats != null) {
            assertEquals(2L, stats.skipped().get("arp"), "ARP request and reply are counted: " + ctx);
            assertEquals(stats.frames(), stats.ipv4Packets() + stats.skippedCount(), ctx);
        }
    }

    private static CapturedPacket one(List<CapturedPacket> p, java.util.function.Predicate<CapturedPacket> f, String what, String ctx) {
        List<CapturedPacket> m = p.stream().filter(f).toList();
        assertEquals(1, m.size(), "exactly one " + what + ": " + ctx);
        return m.get(0);
    }

    /** tshark's dissection of the same file agrees with every record, frame by frame. */
    static void assertTsharkAgrees(Path file, List<CapturedPacket> recs) throws Exception {
        String[] fields = {"frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ip.ttl", "ip.id", "tcp.srcport", "tcp.dstport",
            "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "udp.srcport", "udp.dstport", "icmp.type", "icmp.code", "frame.interface_name"};
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields", "-E", "separator=;", "-E", "aggregator=|"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        ExternalTools.Result r = ExternalTools.run(cmd);
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(), ExternalTools.realWarnings(r.err()));
        Map<Long, String[]> byFrame = new HashMap<>();
        for (String l : r.out().strip().split("\n")) {
            String[] v = l.split(";", -1);
            byFrame.put(Long.parseLong(v[0]), v);
        }
        assertFalse(recs.isEmpty());
        for (CapturedPacket p : recs) {
            String[] v = byFrame.get(p.index() + 1);
            String ctx = p + "\ntshark: " + String.join(";", v);
            long ts = new BigDecimal(v[1]).movePointRight(9).longValueExact();
            assertEquals(ts, p.timestampNanos(), ctx);
            assertEquals(first(v[2]), p.src().toString(), ctx);
            assertEquals(first(v[3]), p.dst().toString(), ctx);
            assertEquals(first(v[4]), String.valueOf(p.ttl()), ctx);
            assertEquals(Integer.decode(first(v[5])), p.ipId(), ctx);
            if (!v[16].isEmpty()) assertEquals(v[16], p.capturePoint(), ctx);
            switch (p.protocol()) {
                case 6 -> {
                    assertEquals(v[6], String.valueOf(p.sport()), ctx);
                    assertEquals(v[7], String.valueOf(p.dport()), ctx);
                    assertEquals(Integer.decode(v[8]), p.tcpFlags(), ctx);
                    assertEquals(v[9], String.valueOf(p.seq()), ctx);
                    if ((p.tcpFlags() & 0x10) != 0) assertEquals(v[10], String.valueOf(p.ack()), ctx);
                    assertEquals(v[11], String.valueOf(p.payloadLength()), ctx);
                }
                case 17 -> {
                    assertEquals(v[12], String.valueOf(p.sport()), ctx);
                    assertEquals(v[13], String.valueOf(p.dport()), ctx);
                }
                case 1 -> {
                    assertEquals(first(v[14]), String.valueOf(p.icmpType()), ctx);
                    assertEquals(first(v[15]), String.valueOf(p.icmpCode()), ctx);
                    if (p.quoted() != null) {
                        assertEquals(v[12], String.valueOf(p.quoted().sport()), ctx);
                        assertEquals(v[13], String.valueOf(p.quoted().dport()), ctx);
                    }
                }
                default -> { }
            }
        }
        assertEquals(recs.size(), byFrame.values().stream().filter(v -> !v[2].isEmpty() && v[2].indexOf(':') < 0).count(),
                "tshark sees as many IPv4 frames as CaptureStream returns");
    }

    private static String first(String agg) {
        int i = agg.indexOf('|');
        return i < 0 ? agg : agg.substring(0, i);
    }
}
