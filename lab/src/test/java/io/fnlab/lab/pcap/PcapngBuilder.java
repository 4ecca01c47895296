package io.fnlab.lab.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds pcapng bytes block by block for tests, in either byte order. */
final class PcapngBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    PcapngBuilder(ByteOrder order) {
        this.order = order;
    }

    PcapngBuilder section(ByteOrder o) {
        this.order = o;
        ByteBuffer body = buf(16);
        body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(0x0A0D0D0A, body.array(), new byte[0]);
    }

    /** IDB; tsresol < 0 means no if_tsresol option (microseconds). */
    PcapngBuilder iface(int linkType, String name, int tsresol, long tsOffset) {
        ByteBuffer body = buf(8);
        body.putShort((short) linkType).putShort((short) 0).putInt(262144);
        ByteArrayOutputStream opts = new ByteArrayOutputStream();
        if (name != null) option(opts, 2, name.getBytes(StandardCharsets.UTF_8));
        if (tsresol >= 0) option(opts, 9, new byte[] {(byte) tsresol});
        if (tsOffset != 0) option(opts, 14, buf(8).putLong(tsOffset).array());
        if (opts.size() > 0) option(opts, 0, new byte[0]);
        return block(1, body.array(), opts.toByteArray());
    }

    /** EPB; flags < 0 means no epb_flags option. */
    PcapngBuilder epb(int ifId, long ts, byte[] data, int flags) {
        ByteBuffer body = buf(20 + pad(data.length));
        body.putInt(ifId).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(data.length).putInt(data.length).put(data);
        ByteArrayOutputStream opts = new ByteArrayOutputStream();
        if (flags >= 0) {
            option(opts, 2, buf(4).putInt(flags).array());
            option(opts, 0, new byte[0]);
        }
        return block(6, body.array(), opts.toByteArray());
    }

    PcapngBuilder spb(byte[] data) {
        ByteBuffer body = buf(4 + pad(data.length));
        body.putInt(data.length).put(data);
        return block(3, body.array(), new byte[0]);
    }

    /** Obsolete Packet Block (type 2). */
    PcapngBuilder pb(int ifId, long ts, byte[] data) {
        ByteBuffer body = buf(20 + pad(data.length));
        body.putShort((short) ifId).putShort((short) 0).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(data.length).putInt(data.length).put(data);
        return block(2, body.array(), new byte[0]);
    }

    /** A block the reader must skip (e.g. 4 = name resolution, 5 = interface statistics). */
    PcapngBuilder other(int type, int bodyLen) {
        return block(type, new byte[pad(bodyLen)], new byte[0]);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private PcapngBuilder block(int type, byte[] body, byte[] opts) {
        int len = 12 + body.length + opts.length;
        ByteBuffer b = buf(len);
        b.putInt(type).putInt(len).put(body).put(opts).putInt(len);
        out.writeBytes(b.array());
        return this;
    }

    private void option(ByteArrayOutputStream o, int code, byte[] v) {
        ByteBuffer b = buf(4 + pad(v.length));
        b.putShort((short) code).putShort((short) v.length).put(v);
        o.writeBytes(b.array());
    }

    private ByteBuffer buf(int n) {
        return ByteBuffer.allocate(n).order(order);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }
}
