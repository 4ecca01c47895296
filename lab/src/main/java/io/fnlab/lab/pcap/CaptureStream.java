package io.fnlab.lab.pcap;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The normalised packets of one capture file, streamed: an iterator that holds one packet and
 * one read buffer, never the file. Non-IPv4 frames are skipped by the iterator and counted in
 * {@link #stats()}; structural damage is a ParseError from {@code hasNext()/next()}.
 *
 * <pre>
 * try (CaptureStream s = CaptureStream.open(path)) {
 *     while (s.hasNext()) compare(s.next());
 *     report(s.stats());
 * }
 * </pre>
 */
public final class CaptureStream implements Iterator<CapturedPacket>, Closeable {
    private final CaptureFileReader reader;
    private final PacketDecoder decoder;
    private final String fileName;
    private final IntFunction<String> ifNames;
    private CapturedPacket pending;
    private boolean done;

    private CaptureStream(CaptureFileReader reader, IntFunction<String> ifNames) {
        this.reader = reader;
        this.ifNames = ifNames;
        this.decoder = new PacketDecoder(new CaptureStats());
        Path fn = Path.of(reader.file()).getFileName();
        this.fileName = fn == null ? reader.file() : fn.toString();
    }

    public static CaptureStream open(Path path) {
        return new CaptureStream(CaptureFileReader.open(path), null);
    }

    /**
     * As {@link #open(Path)}, naming the capture point of a Linux cooked v2 packet (tcpdump -i any)
     * after its interface index: {@code ifNames} maps an ifindex of the capturing namespace to a
     * device name, or returns null to keep the default (if_name, else the file name).
     */
    public static CaptureStream open(Path path, IntFunction<String> ifNames) {
        return new CaptureStream(CaptureFileReader.open(path), ifNames);
    }

    /** Reads the whole file through {@code sink}, one packet at a time, and returns the counts. */
    public static CaptureStats forEach(Path path, Consumer<CapturedPacket> sink) {
        try (CaptureStream s = open(path)) {
            while (s.hasNext()) sink.accept(s.next());
            return s.stats();
        }
    }

    /** All packets of a small file (tests, fixtures); use {@link #forEach} for real captures. */
    public static java.util.List<CapturedPacket> readAll(Path path) {
        java.util.List<CapturedPacket> out = new java.util.ArrayList<>();
        forEach(path, out::add);
        return out;
    }

    @Override
    public boolean hasNext() {
        while (pending == null && !done) {
            if (!reader.next()) {
                done = true;
                break;
            }
            CaptureInterface f = reader.iface();
            String point = f.name() != null ? f.name() : fileName;
            pending = decoder.decode(point, reader.count() - 1, reader.timestampNanos(), f.linkType(), f.rawLinkType(),
                    reader.flagDirection(), reader.data(), reader.offset(), reader.length());
            if (pending != null && ifNames != null && pending.ifIndex() > 0) {
                String dev = ifNames.apply(pending.ifIndex());
                if (dev != null) pending = pending.at(dev, pending.index(), pending.timestampNanos(), pending.direction(), pending.ifIndex());
            }
        }
        return pending != null;
    }

    @Override
    public CapturedPacket next() {
        if (!hasNext()) throw new NoSuchElementException();
        CapturedPacket p = pending;
        pending = null;
        return p;
    }

    /** Counts so far (complete once hasNext() returned false). */
    public CaptureStats stats() {
        return decoder.stats();
    }

    public CaptureFileReader.Format format() {
        return reader.format();
    }

    @Override
    public void close() {
        reader.close();
    }
}
