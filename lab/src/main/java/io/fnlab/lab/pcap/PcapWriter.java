package io.fnlab.lab.pcap;

import io.fnlab.sim.skb.SkBuff;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a classic pcap file (one link type: Ethernet, raw IPv4 or Linux cooked v2 as
 * {@code tcpdump -i any} writes) from simulated packets or raw frames, streaming through a
 * 1 MiB buffer. Nanosecond magic by default; microsecond and big-endian files for tests.
 *
 * <p>Why not pcap4j's dumper ({@code Pcaps.openDead} + {@code dumpOpen} + {@code dumpRaw}): it
 * makes one JNA call per packet and takes a java.sql.Timestamp, and {@code PcapBench} (lab/src/test)
 * measured it at about 40,000 packets/s against 1-1.9 million for this writer; writing the 24-byte header and 16-byte
 * record headers ourselves is a few lines.
 */
public final class PcapWriter implements Closeable {
    public static final int SNAPLEN = 262144;

    private final FileChannel ch;
    private final ByteBuffer out;
    private final LinkType linkType;
    private final boolean nanos;
    private byte[] frame = new byte[2048];
    private long packets;

    private PcapWriter(FileChannel ch, LinkType lt, boolean nanos, ByteOrder order) throws IOException {
        this.ch = ch;
        this.linkType = lt;
        this.nanos = nanos;
        this.out = ByteBuffer.allocate(1 << 20).order(order);
        out.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(SNAPLEN).putInt(lt.code());
    }

    /** A nanosecond, little-endian pcap file. */
    public static PcapWriter create(Path path, LinkType lt) {
        return create(path, lt, true, ByteOrder.LITTLE_ENDIAN);
    }

    public static PcapWriter create(Path path, LinkType lt, boolean nanos, ByteOrder order) {
        if (lt == LinkType.UNSUPPORTED) throw new IllegalArgumentException("cannot write link type " + lt);
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return new PcapWriter(ch, lt, nanos, order);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    public LinkType linkType() {
        return linkType;
    }

    public long packets() {
        return packets;
    }

    /** Encodes {@code skb} with the link-layer header this file's link type needs and writes it. */
    public void write(long tsNanos, SkBuff skb, L2Meta l2) {
        int ip = PacketEncoder.length(skb);
        int hdr = switch (linkType) {
            case ETHERNET -> 14;
            case LINUX_SLL -> 16;
            case LINUX_SLL2 -> 20;
            default -> 0;
        };
        if (frame.length < hdr + ip) frame = new byte[Math.max(hdr + ip, frame.length * 2)];
        byte[] f = frame;
        switch (linkType) {
            case ETHERNET -> {
                l2.dstMac().writeTo(f, 0);
                l2.srcMac().writeTo(f, 6);
                PacketEncoder.put16(f, 12, 0x0800);
            }
            case LINUX_SLL -> {
                PacketEncoder.put16(f, 0, l2.direction().packetType());
                PacketEncoder.put16(f, 2, 1); // ARPHRD_ETHER
                PacketEncoder.put16(f, 4, 6);
                l2.srcMac().writeTo(f, 6);
                PacketEncoder.put16(f, 12, 0);
                PacketEncoder.put16(f, 14, 0x0800);
            }
            case LINUX_SLL2 -> {
                PacketEncoder.put16(f, 0, 0x0800);
                PacketEncoder.put16(f, 2, 0);
                PacketEncoder.put32(f, 4, l2.ifIndex());
                PacketEncoder.put16(f, 8, 1); // ARPHRD_ETHER
                f[10] = (byte) l2.direction().packetType();
                f[11] = 6;
                l2.srcMac().writeTo(f, 12);
                f[18] = 0;
                f[19] = 0;
            }
            default -> { }
        }
        PacketEncoder.encode(skb, f, hdr);
        writeFrame(tsNanos, f, 0, hdr + ip, hdr + ip);
    }

    /** Writes a frame that already has this file's link-layer header. */
    public void writeFrame(long tsNanos, byte[] b, int off, int len, int origLen) {
        if (len > SNAPLEN) throw new IllegalArgumentException("frame of " + len + " bytes exceeds snaplen " + SNAPLEN);
        try {
            if (out.remaining() < 16 + len) flush();
            long sec = Math.floorDiv(tsNanos, 1_000_000_000L);
            long ns = Math.floorMod(tsNanos, 1_000_000_000L);
            out.putInt((int) sec).putInt((int) (nanos ? ns : ns / 1000)).putInt(len).putInt(origLen);
            if (len > out.remaining()) {
                flush();
                ch.write(ByteBuffer.wrap(b, off, len));
            } else {
                out.put(b, off, len);
            }
            packets++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) ch.write(out);
        out.clear();
    }

    @Override
    public void close() {
        try {
            flush();
            ch.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
