package io.fnlab.lab.pcap;

import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.io.EOFException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * Reads a capture through pcap4j (libpcap via JNA): {@code Pcaps.openOffline} and
 * {@code getNextRawPacketEx}. Kept as the library reference the streaming
 * {@link CaptureFileReader} is checked against, and for {@code PcapBench}. libpcap reads pcap and
 * pcapng, but only pcapng files whose interfaces all share one link type, and it gives neither
 * interface names, epb_flags nor the offset of a bad record (its error text is passed on).
 */
public final class Pcap4jReader {
    private Pcap4jReader() {}

    /** Streams the file's IPv4 packets to {@code sink}; returns the counts. */
    public static CaptureStats forEach(Path path, Consumer<CapturedPacket> sink) {
        String file = path.toString();
        Path fn = path.getFileName();
        String point = fn == null ? file : fn.toString();
        PacketDecoder decoder = new PacketDecoder(new CaptureStats());
        PcapHandle h;
        try {
            h = Pcaps.openOffline(file, PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            throw new ParseError(new SourceRef(file, 0, 0), "libpcap: " + e.getMessage());
        }
        try {
            int dlt = h.getDlt().value();
            // libpcap hands out DLT_ numbers: LINKTYPE_RAW (101) is DLT_RAW, 12 (14 on OpenBSD)
            LinkType lt = dlt == 12 || dlt == 14 ? LinkType.RAW : LinkType.of(dlt);
            long index = 0;
            while (true) {
                byte[] raw;
                try {
                    raw = h.getNextRawPacketEx();
                } catch (EOFException e) {
                    break;
                } catch (TimeoutException e) {
                    continue; // not raised for offline handles
                } catch (PcapNativeException e) {
                    throw new ParseError(new SourceRef(file, 0, 0), "libpcap, after " + index + " packets: " + e.getMessage());
                }
                Timestamp ts = h.getTimestamp();
                long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
                CapturedPacket p = decoder.decode(point, index++, nanos, lt, dlt, Direction.UNKNOWN, raw, 0, raw.length);
                if (p != null) sink.accept(p);
            }
            return decoder.stats();
        } catch (NotOpenException e) {
            throw new IllegalStateException(e);
        } finally {
            h.close();
        }
    }
}
