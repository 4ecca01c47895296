package io.fnlab.lab.pcap;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fnlab.sim.skb.SkBuff;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Files PcapWriter writes are read by tshark and tcpdump without warnings, with correct
 * checksums, and tshark's field extraction equals the records CaptureStream reads.
 */
class ToolReadabilityTest {
    @TempDir Path dir;

    static final String[] FIELDS = {
        "frame.number", "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.id", "ip.dsfield", "ip.checksum.status",
        "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.checksum.status",
        "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status",
        "icmp.type", "icmp.code", "icmp.ident", "icmp.seq", "icmp.checksum.status", "_ws.malformed", "_ws.expert.severity"};

    private Path written(LinkType lt) {
        Path f = dir.resolve("sim-" + lt + ".pcap");
        try (PcapWriter w = PcapWriter.create(f, lt)) {
            long t = 1_700_000_000_000_000_000L;
            int i = 0;
            for (SkBuff s : Packets.all()) w.write(t + i * 1000L, s, new L2Meta(Packets.MAC_A, Packets.MAC_B, 2, i++ % 2 == 0 ? Direction.OUT : Direction.IN));
        }
        return f;
    }

    @ParameterizedTest
    @EnumSource(value = LinkType.class, names = {"ETHERNET", "LINUX_SLL2", "LINUX_SLL", "RAW", "IPV4"})
    void tsharkFieldsEqualTheRecords(LinkType lt) throws Exception {
        assumeTrue(ExternalTools.onPath("tshark"), "tshark not installed");
        Path f = written(lt);
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", f.toString(), "-T", "fields", "-E", "separator=;", "-E", "aggregator=|",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-o", "tcp.analyze_sequence_numbers:FALSE"));
        for (String fld : FIELDS) {
            cmd.add("-e");
            cmd.add(fld);
        }
        ExternalTools.Result r = ExternalTools.run(cmd);
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(), ExternalTools.realWarnings(r.err()));
        List<CapturedPacket> recs = CaptureStream.readAll(f);
        String[] lines = r.out().strip().split("\n");
        assertEquals(recs.size(), lines.length, r.out());
        for (int i = 0; i < lines.length; i++) {
            String[] v = lines[i].split(";", -1);
            CapturedPacket p = recs.get(i);
            String ctx = "packet " + i + " " + p + "\ntshark: " + lines[i];
            assertEquals(String.valueOf(i + 1), v[0], ctx);
            assertEquals(p.src().toString(), first(v[1]), ctx);
            assertEquals(p.dst().toString(), first(v[2]), ctx);
            assertEquals(String.valueOf(p.protocol()), first(v[3]), ctx);
            assertEquals(String.valueOf(p.ttl()), first(v[4]), ctx);
            assertEquals(p.ipId(), Integer.decode(first(v[5])), ctx);
            assertEquals(p.tos(), Integer.decode(first(v[6])), ctx);
            for (String s : v[7].split("\\|")) assertEquals("1", s, "ip checksum good: " + ctx);
            switch (p.protocol()) {
                case 6 -> {
                    assertEquals(String.valueOf(p.sport()), v[8], ctx);
                    assertEquals(String.valueOf(p.dport()), v[9], ctx);
                    assertEquals(p.tcpFlags(), Integer.decode(v[10]), ctx);
                    assertEquals(String.valueOf(p.seq()), v[11], ctx);
                    assertEquals(String.valueOf(p.ack()), v[12], ctx);
                    assertEquals(String.valueOf(p.payloadLength()), v[13], ctx);
                    assertEquals("1", v[14], "tcp checksum good: " + ctx);
                }
                case 17 -> {
                    assertEquals(String.valueOf(p.sport()), v[15], ctx);
                    assertEquals(String.valueOf(p.dport()), v[16], ctx);
                    assertEquals(String.valueOf(p.payloadLength() + 8), v[17], ctx);
                    assertEquals("1", v[18], "udp checksum good: " + ctx);
                }
                case 1 -> {
                    assertEquals(String.valueOf(p.icmpType()), first(v[19]), ctx);
                    assertEquals(String.valueOf(p.icmpCode()), first(v[20]), ctx);
                    if (p.icmpType() == 8 || p.icmpType() == 0) {
                        assertEquals(String.valueOf(p.sport()), first(v[21]), ctx);
                        assertEquals(String.valueOf(p.seq()), first(v[22]), ctx);
                    } else {
                        // the quoted packet's ports as tshark dissects them
                        assertEquals(String.valueOf(p.quoted().sport()), v[15], ctx);
                        assertEquals(String.valueOf(p.quoted().dport()), v[16], ctx);
                    }
                    assertEquals("1", first(v[23]), "icmp checksum good: " + ctx);
                }
                case 4 -> {
                    assertEquals(p.inner().src().toString(), v[1].split("\\|")[1], ctx);
                    assertEquals(String.valueOf(p.inner().sport()), v[8], ctx);
                    assertEquals(p.inner().tcpFlags(), Integer.decode(v[10]), ctx);
                }
                default -> fail("unexpected protocol in sample: " + ctx);
            }
            assertEquals("", v[24], "malformed: " + ctx);
            for (String sev : v[25].split("\\|")) {
                if (sev.isEmpty()) continue;
                // chat (0x00200000) is tshark noting a SYN; warnings and errors are not acceptable
                assertTrue(Integer.decode(sev) < 0x00600000, "expert severity " + sev + ": " + ctx);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = LinkType.class, names = {"ETHERNET", "LINUX_SLL2", "RAW"})
    void tcpdumpReadsWithoutComplaint(LinkType lt) throws Exception {
        assumeTrue(ExternalTools.onPath("tcpdump"), "tcpdump not installed");
        Path f = written(lt);
        ExternalTools.Result r = ExternalTools.run("tcpdump", "-n", "-vv", "-r", f.toString());
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        for (String bad : new String[] {"bad cksum", "incorrect", "truncated", "[|", "invalid", "bogus"}) {
            assertFalse(r.out().contains(bad), bad + " in:\n" + r.out());
        }
        assertTrue(r.out().contains("10.0.0.1.40000 > 10.96.0.10.80: Flags [S]"), r.out());
        assertTrue(r.out().contains("10.0.0.1.41000 > 10.0.0.53.18999: [udp sum ok]"), r.out());
        assertTrue(r.out().contains("ICMP echo request, id 777, seq 3"), r.out());
        assertTrue(r.out().contains("udp port 18999 unreachable"), r.out());
        assertTrue(lines.length >= 6, r.out());
        if (lt == LinkType.LINUX_SLL2) {
            assertTrue(r.err().contains("LINUX_SLL2"), r.err());
            assertTrue(r.out().contains(" Out "), r.out());
            assertTrue(r.out().contains(" In "), r.out());
        }
    }

    private static String first(String agg) {
        int i = agg.indexOf('|');
        return i < 0 ? agg : agg.substring(0, i);
    }
}
