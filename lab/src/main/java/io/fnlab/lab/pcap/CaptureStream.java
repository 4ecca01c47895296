package io.fnlab.lab.pcap;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

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
    private CapturedPacket pending;
    private boolean done;

    private CaptureStream(CaptureFileReader reader) {
        this.reader = reader;
        this.decoder = new PacketDecoder(new CaptureStats());
        Path fn = Path.of(reader.file()).getFileName();
        this.fileName = fn == null ? reader.file() : fn.toString();
    }

    public static CaptureStream open(Path path) {
        return new CaptureStream(CaptureFileReader.open(path));
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
