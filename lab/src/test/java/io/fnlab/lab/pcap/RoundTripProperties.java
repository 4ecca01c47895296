package io.fnlab.lab.pcap;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.sim.skb.SkBuff;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Simulated packets written to a capture read back as the records {@link CapturedPacket#fromSkBuff} predicts. */
class RoundTripProperties {

    @Property(tries = 150)
    void writeThenReadGivesTheSameRecords(@ForAll("packets") @Size(min = 1, max = 20) List<SkBuff> pkts,
                                          @ForAll("linkTypes") LinkType lt, @ForAll boolean nanos, @ForAll boolean big,
                                          @ForAll("directions") Direction dir) throws Exception {
        Path f = Files.createTempFile("fnlab-roundtrip", ".pcap");
        try {
            long t0 = 1_700_000_000_000_000_000L;
            try (PcapWriter w = PcapWriter.create(f, lt, nanos, big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)) {
                for (int i = 0; i < pkts.size(); i++) w.write(t0 + i * 1234L, pkts.get(i), new L2Meta(Packets.MAC_A, Packets.MAC_B, 3, dir));
            }
            List<CapturedPacket> got = CaptureStream.readAll(f);
            assertEquals(pkts.size(), got.size());
            boolean cooked = lt == LinkType.LINUX_SLL || lt == LinkType.LINUX_SLL2;
            // a cooked header writes UNKNOWN as PACKET_HOST, which reads back as IN
            Direction expectDir = !cooked ? Direction.UNKNOWN : dir == Direction.OUT ? Direction.OUT : Direction.IN;
            for (int i = 0; i < pkts.size(); i++) {
                CapturedPacket p = got.get(i);
                assertEquals(CapturedPacket.fromSkBuff(pkts.get(i)), p.headers(), "packet " + i + ": " + pkts.get(i));
                assertFalse(p.truncated());
                assertEquals(expectDir, p.direction());
                long ts = t0 + i * 1234L;
                assertEquals(nanos ? ts : ts / 1000 * 1000, p.timestampNanos());
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Provide
    Arbitrary<LinkType> linkTypes() {
        return Arbitraries.of(LinkType.ETHERNET, LinkType.RAW, LinkType.IPV4, LinkType.LINUX_SLL, LinkType.LINUX_SLL2);
    }

    @Provide
    Arbitrary<Direction> directions() {
        return Arbitraries.of(Direction.class);
    }

    @Provide
    Arbitrary<List<SkBuff>> packets() {
        return packet(2).list();
    }

    private Arbitrary<SkBuff> packet(int depth) {
        Arbitrary<SkBuff> leaf = Arbitraries.oneOf(tcp(), udp(), icmpInfo(), other());
        if (depth == 0) return leaf;
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, leaf),
                net.jqwik.api.Tuple.of(1, icmpError(packet(depth - 1))),
                net.jqwik.api.Tuple.of(1, ipip(packet(depth - 1))));
    }

    private Arbitrary<SkBuff> ip(int proto) {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 65535), Arbitraries.of(false, false, true),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                .as((s, d, ttl, tos, id, frag, payload) -> {
                    SkBuff b = new SkBuff();
                    b.saddr = s; b.daddr = d; b.ttl = ttl; b.tos = tos; b.id = id; b.fragment = frag; b.protocol = proto;
                    b.payload = payload;
                    return b;
                });
    }

    private Arbitrary<SkBuff> tcp() {
        return Combinators.combine(ip(6), Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535),
                        Arbitraries.integers().between(0, 255), Arbitraries.longs().between(0, 0xffffffffL), Arbitraries.longs().between(0, 0xffffffffL))
                .as((b, sp, dp, fl, seq, ack) -> {
                    b.sport = sp; b.dport = dp; b.tcpFlags = fl; b.seq = seq; b.ack = ack;
                    return b;
                });
    }

    private Arbitrary<SkBuff> udp() {
        return Combinators.combine(ip(17), Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535))
                .as((b, sp, dp) -> {
                    b.sport = sp; b.dport = dp;
                    return b;
                });
    }

    private Arbitrary<SkBuff> icmpInfo() {
        return Combinators.combine(ip(1), Arbitraries.of(0, 8, 13, 14, 9, 10), Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535))
                .as((b, type, code, echoId, seq) -> {
                    b.dport = type << 8 | code; b.sport = echoId; b.seq = seq;
                    return b;
                });
    }

    private Arbitrary<SkBuff> icmpError(Arbitrary<SkBuff> inner) {
        return Combinators.combine(ip(1), Arbitraries.of(3, 4, 5, 11, 12), Arbitraries.integers().between(0, 15), inner)
                .as((b, type, code, in) -> {
                    b.dport = type << 8 | code; b.icmpInner = in; b.payload = SkBuff.EMPTY;
                    return b;
                });
    }

    private Arbitrary<SkBuff> ipip(Arbitrary<SkBuff> inner) {
        return Combinators.combine(ip(4), inner).as((b, in) -> {
            b.inner = in; b.payload = SkBuff.EMPTY;
            return b;
        });
    }

    private Arbitrary<SkBuff> other() {
        return Combinators.combine(ip(0), Arbitraries.of(47, 50, 132, 255)).as((b, p) -> {
            b.protocol = p;
            return b;
        });
    }
}
