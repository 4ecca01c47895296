package io.fnlab.lab.compare;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: rewrites the IPv4 packets of a classic pcap file in place (Ethernet, SLL, SLL2, raw). */
final class PcapEdit {
    interface Editor {
        /** Edit the IPv4 packet of record {@code index} starting at b[ip]. */
        void edit(long index, byte[] b, int ip);
    }

    private PcapEdit() {}

    static void rewrite(Path file, Editor e) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer h = ByteBuffer.wrap(b);
        int magic = h.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) h.order(ByteOrder.BIG_ENDIAN);
        int lt = h.getInt(20) & 0x0fffffff;
        int l2 = switch (lt) {
            case 1 -> 14;
            case 113 -> 16;
            case 276 -> 20;
            default -> 0;
        };
        int off = 24;
        long i = 0;
        while (off + 16 <= b.length) {
            int caplen = h.getInt(off + 8);
            int ip = off + 16 + l2;
            if (caplen > l2 && (b[ip] & 0xf0) == 0x40) e.edit(i, b, ip);
            off += 16 + caplen;
            i++;
        }
        Files.write(file, b);
    }

    static int u16(byte[] b, int o) {
        return (b[o] & 0xff) << 8 | (b[o + 1] & 0xff);
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >> 8);
        b[o + 1] = (byte) v;
    }
}
