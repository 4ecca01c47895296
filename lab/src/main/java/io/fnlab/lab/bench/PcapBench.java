package io.fnlab.lab.bench;

import io.fnlab.lab.netns.Exec;
import io.fnlab.lab.pcap.CaptureStream;
import io.fnlab.lab.pcap.CapturedPacket;
import io.fnlab.lab.pcap.L2Meta;
import io.fnlab.lab.pcap.LinkType;
import io.fnlab.lab.pcap.MacAddress;
import io.fnlab.lab.pcap.PcapWriter;
import io.fnlab.sim.skb.SkBuff;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * The capture side of the benchmark: a synthesised capture of a fullnat director (both sides of
 * each connection: client to VIP, and local address to real server after the director rewrote
 * both addresses) written with {@link PcapWriter}, read back with {@link CaptureStream}, and the
 * same file through tshark's field extraction for comparison.
 */
public final class PcapBench {
    /** Packets one connection contributes (5 on each side of the director). */
    public static final int PER_CONNECTION = 10;

    private static final MacAddress CLIENT_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress DIRECTOR_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final MacAddress RS_MAC = MacAddress.parse("02:00:00:00:00:03");

    private PcapBench() {}

    /** Write {@code packets} packets (rounded down to whole connections) of a fullnat director to {@code file}. */
    public static long writeCapture(Path file, long packets, long seed, LongConsumer progress) {
        SplittableRandom r = new SplittableRandom(seed);
        int vip = ip(10, 0, 0, 100), lip = ip(10, 0, 1, 1);
        byte[] payload = "GET / HTTP/1.1\r\nHost: vip\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        L2Meta in = L2Meta.ethernet(CLIENT_MAC, DIRECTOR_MAC), inBack = L2Meta.ethernet(DIRECTOR_MAC, CLIENT_MAC);
        L2Meta out = L2Meta.ethernet(DIRECTOR_MAC, RS_MAC), outBack = L2Meta.ethernet(RS_MAC, DIRECTOR_MAC);
        long conns = packets / PER_CONNECTION;
        long ts = 1_700_000_000_000_000_000L;
        SkBuff s = new SkBuff();
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET)) {
            for (long c = 0; c < conns; c++) {
                int client = ip(172, 16, 0, 0) + r.nextInt(1 << 16);
                int cport = 1024 + r.nextInt(64_000);
                int rs = ip(10, 0, 2, 10) + r.nextInt(8);
                int lport = 1024 + (int) (c % 64_000);
                long cseq = r.nextLong() & 0xffffffffL, sseq = r.nextLong() & 0xffffffffL;
                // SYN, SYN-ACK, ACK, request, FIN on the client side; the same on the server side
                int[] flags = {0x02, 0x12, 0x10, 0x18, 0x11};
                boolean[] fromClient = {true, false, true, true, true};
                for (int k = 0; k < 5; k++) {
                    byte[] pl = k == 3 ? payload : SkBuff.EMPTY;
                    if (fromClient[k]) {
                        set(s, client, cport, vip, 80, flags[k], cseq, k == 0 ? 0 : sseq + 1, pl);
                        w.write(ts += 1000, s, in);
                        set(s, lip, lport, rs, 8080, flags[k], cseq, k == 0 ? 0 : sseq + 1, pl);
                        w.write(ts += 1000, s, out);
                    } else {
                        set(s, rs, 8080, lip, lport, flags[k], sseq, cseq + 1, pl);
                        w.write(ts += 1000, s, outBack);
                        set(s, vip, 80, client, cport, flags[k], sseq, cseq + 1, pl);
                        w.write(ts += 1000, s, inBack);
                    }
                    if (k == 3) cseq += pl.length;
                }
                if ((c & 0xffff) == 0 && progress != null) progress.accept(c * PER_CONNECTION);
            }
            return w.packets();
        }
    }

    private static void set(SkBuff s, int src, int sp, int dst, int dp, int flags, long seq, long ack, byte[] pl) {
        s.saddr = src; s.daddr = dst; s.protocol = 6; s.sport = sp; s.dport = dp; s.tcpFlags = flags;
        s.seq = seq; s.ack = ack; s.payload = pl; s.ttl = 64;
    }

    /** What reading a capture found: packets, a digest of the fields tshark extracts, nanoseconds. */
    public record ReadResult(long packets, long digest, long nanos) {
        public double packetsPerSecond() {
            return packets * 1e9 / Math.max(1, nanos);
        }
    }

    /**
     * Reads every packet with CaptureStream and folds the fields a comparison looks at (addresses,
     * ports, flags: those tshark is asked for) into a digest, so nothing is optimised away.
     */
    public static ReadResult read(Path file) {
        long[] acc = new long[2];
        long t0 = System.nanoTime();
        CaptureStream.forEach(file, (CapturedPacket p) -> {
            acc[0]++;
            acc[1] = acc[1] * 31 + ((long) p.src().bits() ^ ((long) p.dst().bits() << 32)) + (p.sport() << 16 | p.dport())
                    + p.tcpFlags();
        });
        return new ReadResult(acc[0], acc[1], System.nanoTime() - t0);
    }

    /** tshark's run over the same file: packets it printed and nanoseconds, or null when tshark is missing. */
    public static ReadResult tshark(Path file, Duration timeout) {
        if (!Exec.onPath("tshark")) return null;
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields",
                "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags"));
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long lines = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) for (int i = 0; i < n; i++) if (buf[i] == '\n') lines++;
            }
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return new ReadResult(lines, 0, System.nanoTime() - t0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }
}
