package io.fnlab.lab.pcap;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.parse.ParseError;
import io.fnlab.sim.skb.SkBuff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged capture must give a ParseError naming the file and the offset of the bad record. */
class CorruptCaptureTest {
    @TempDir Path dir;

    private byte[] smallPcap(ByteOrder order) throws Exception {
        Path f = dir.resolve("small.pcap");
        try (PcapWriter w = PcapWriter.create(f, LinkType.ETHERNET, true, order)) {
            long t = 1_000_000_000L;
            for (SkBuff s : new SkBuff[] {Packets.syn(), Packets.udp(), Packets.unreachable()}) {
                w.write(t++, s, L2Meta.ethernet(Packets.MAC_A, Packets.MAC_B));
            }
        }
        return Files.readAllBytes(f);
    }

    /** Offsets where pcap records start, plus the file end. */
    private static List<Integer> pcapBoundaries(byte[] b, ByteOrder order) {
        List<Integer> out = new ArrayList<>();
        ByteBuffer bb = ByteBuffer.wrap(b).order(order);
        int o = 24;
        while (o <= b.length) {
            out.add(o);
            if (o == b.length) break;
            o += 16 + bb.getInt(o + 8);
        }
        return out;
    }

    private static byte[] smallPcapng() throws Exception {
        return new PcapngBuilder(ByteOrder.BIG_ENDIAN).section(ByteOrder.BIG_ENDIAN)
                .iface(1, "veth0", 9, 0)
                .epb(0, 1L, CaptureFormatTest.frame(LinkType.ETHERNET, Packets.syn(), Direction.UNKNOWN), 1)
                .other(5, 8)
                .iface(276, "any", -1, 0)
                .epb(1, 2L, CaptureFormatTest.frame(LinkType.LINUX_SLL2, Packets.synAck(), Direction.IN), -1)
                .spb(CaptureFormatTest.frame(LinkType.ETHERNET, Packets.udp(), Direction.UNKNOWN))
                .bytes();
    }

    private static List<Integer> pcapngBoundaries(byte[] b) {
        List<Integer> out = new ArrayList<>();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        int o = 0;
        while (o < b.length) {
            o += bb.getInt(o + 4);
            out.add(o);
        }
        return out;
    }

    private Path write(String name, byte[] b) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, b);
        return f;
    }

    @Test
    void pcapCutAtEveryByte() throws Exception {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] full = smallPcap(order);
            List<Integer> bounds = pcapBoundaries(full, order);
            assertEquals(4, bounds.size());
            for (int k = 0; k < full.length; k++) {
                Path f = write("cut-" + k + ".pcap", Arrays.copyOf(full, k));
                final int kk = k;
                int records = (int) bounds.stream().filter(x -> x < kk).count();
                if (bounds.contains(k)) {
                    assertEquals(bounds.indexOf(k), CaptureStream.readAll(f).size(), "cut at record boundary " + k);
                } else {
                    ParseError e = assertThrows(ParseError.class, () -> CaptureStream.readAll(f), "cut at " + k);
                    assertEquals(f.toString(), e.where().file());
                    int at = k < 24 ? 0 : bounds.get(records - 1);
                    assertTrue(e.problem().contains("byte " + at), "cut at " + k + ": " + e.problem());
                    if (k >= 24) assertTrue(e.problem().startsWith("truncated record at byte " + at), e.problem());
                }
                Files.delete(f);
            }
        }
    }

    @Test
    void pcapTruncatedRecordMessageSaysHowMuchIsLeft() throws Exception {
        byte[] full = smallPcap(ByteOrder.LITTLE_ENDIAN);
        List<Integer> bounds = pcapBoundaries(full, ByteOrder.LITTLE_ENDIAN);
        int last = bounds.get(2);
        int len = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getInt(last + 8);
        Path f = write("cut.pcap", Arrays.copyOf(full, last + 16 + 12));
        ParseError e = assertThrows(ParseError.class, () -> CaptureStream.readAll(f));
        assertEquals("truncated record at byte " + last + ": header says " + len + " bytes, 12 left", e.problem());
    }

    @Test
    void pcapFlippedLengthFields() throws Exception {
        byte[] full = smallPcap(ByteOrder.LITTLE_ENDIAN);
        List<Integer> bounds = pcapBoundaries(full, ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < 3; r++) {
            int rec = bounds.get(r);
            byte[] b = full.clone();
            b[rec + 8 + 2] ^= 0x7f; // incl_len grows by megabytes
            Path f = write("flip-" + r + ".pcap", b);
            ParseError e = assertThrows(ParseError.class, () -> CaptureStream.readAll(f));
            assertTrue(e.problem().startsWith("record at byte " + rec + ": captured length"), e.problem());
        }
        // the last record claims one byte more than the file holds
        byte[] b = full.clone();
        int rec = bounds.get(2);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(rec + 8, bb.getInt(rec + 8) + 1);
        Path f = write("plus1.pcap", b);
        ParseError e = assertThrows(ParseError.class, () -> CaptureStream.readAll(f));
        assertTrue(e.problem().startsWith("truncated record at byte " + rec), e.problem());
    }

    @Test
    void pcapngCutAtEveryByte() throws Exception {
        byte[] full = smallPcapng();
        List<Integer> ends = pcapngBoundaries(full);
        for (int k = 0; k < full.length; k++) {
            Path f = write("cut-" + k + ".pcapng", Arrays.copyOf(full, k));
            final int kk = k;
            if (ends.contains(k)) {
                long packetsBefore = List.of(ends.get(2), ends.get(5), ends.get(6)).stream().filter(x -> x <= kk).count();
                assertEquals(packetsBefore, CaptureStream.readAll(f).size(), "cut at block boundary " + k);
            } else {
                ParseError e = assertThrows(ParseError.class, () -> CaptureStream.readAll(f), "cut at " + k);
                int blk = k < 4 ? 0 : ends.stream().filter(x -> x <= kk).mapToInt(Integer::intValue).max().orElse(0);
                assertTrue(e.problem().contains("byte " + blk), "cut at " + k + ": " + e.problem());
            }
            Files.delete(f);
        }
    }

    @Test
    void pcapngFlippedBlockLengths() throws Exception {
        byte[] full = smallPcapng();
        List<Integer> ends = pcapngBoundaries(full);
        int start = 0;
        for (int end : ends) {
            for (int delta : new int[] {4, -4, 0x01000000, 1}) {
                byte[] b = full.clone();
                ByteBuffer bb = ByteBuffer.wrap(b);
                bb.putInt(start + 4, bb.getInt(start + 4) + delta);
                Path f = write("flip.pcapng", b);
                ParseError e = assertThrows(ParseError.class, () -> CaptureStream.readAll(f), "block at " + start + " delta " + delta);
                assertTrue(e.problem().contains("byte " + start), e.problem());
            }
            start = end;
        }
        // an EPB's captured length larger than its block
        int epb = ends.get(1);
        byte[] b = full.clone();
        ByteBuffer.wrap(b).putInt(epb + 20, 4000);
        Path f = write("caplen.pcapng", b);
        ParseError e = assertThrows(ParseError.class, () -> CaptureStream.readAll(f));
        assertTrue(e.problem().startsWith("truncated record at byte " + epb), e.problem());
    }

    @Test
    void anyDamagedByteGivesPacketsOrParseErrorNeverAnotherException() throws Exception {
        Random rnd = new Random(42);
        for (byte[] full : List.of(smallPcap(ByteOrder.LITTLE_ENDIAN), smallPcapng())) {
            for (int i = 0; i < full.length; i++) {
                for (int v : new int[] {full[i] ^ 0xff, full[i] ^ 1, rnd.nextInt(256), 0}) {
                    byte[] b = full.clone();
                    b[i] = (byte) v;
                    Path f = write("dmg", b);
                    try {
                        CaptureStream.forEach(f, p -> p.toString());
                    } catch (ParseError ok) {
                        assertEquals(f.toString(), ok.where().file());
                    }
                }
            }
        }
    }

    @Test
    void notACaptureAtAll() throws Exception {
        Path f = write("x.txt", "hello world, not a capture".getBytes());
        ParseError e = assertThrows(ParseError.class, () -> CaptureStream.readAll(f));
        assertTrue(e.problem().startsWith("not a pcap or pcapng file: magic 0x68656c6c"), e.problem());
        ParseError missing = assertThrows(ParseError.class, () -> CaptureStream.readAll(dir.resolve("missing.pcap")));
        assertTrue(missing.problem().startsWith("cannot open capture"), missing.problem());
    }
}
