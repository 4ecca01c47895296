package io.fnlab.lab.pcap;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.sim.skb.SkBuff;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CaptureFormatTest {
    @TempDir Path dir;

    private static final long T0 = 1_763_771_000_123_456_789L;

    @ParameterizedTest(name = "{0} nanos={1} big-endian={2}")
    @CsvSource({
        "ETHERNET,true,false", "ETHERNET,false,false", "ETHERNET,true,true", "ETHERNET,false,true",
        "RAW,true,false", "IPV4,false,true", "LINUX_SLL,true,false", "LINUX_SLL2,true,false", "LINUX_SLL2,false,true"})
    void pcapVariantsReadBackAsWritten(LinkType lt, boolean nanos, boolean big) {
        Path f = dir.resolve("t.pcap");
        SkBuff[] pkts = Packets.all();
        try (PcapWriter w = PcapWriter.create(f, lt, nanos, big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)) {
            for (int i = 0; i < pkts.length; i++) {
                w.write(T0 + i * 1_000_001L, pkts[i], new L2Meta(Packets.MAC_A, Packets.MAC_B, 7, i % 2 == 0 ? Direction.OUT : Direction.IN));
            }
        }
        List<CapturedPacket> got = CaptureStream.readAll(f);
        assertEquals(pkts.length, got.size());
        boolean cooked = lt == LinkType.LINUX_SLL || lt == LinkType.LINUX_SLL2;
        for (int i = 0; i < pkts.length; i++) {
            CapturedPacket p = got.get(i);
            long ts = T0 + i * 1_000_001L;
            assertEquals(nanos ? ts : ts / 1000 * 1000, p.timestampNanos(), "timestamp of packet " + i);
            assertEquals("t.pcap", p.capturePoint());
            assertEquals(i, p.index());
            assertEquals(cooked ? (i % 2 == 0 ? Direction.OUT : Direction.IN) : Direction.UNKNOWN, p.direction());
            assertEquals(lt == LinkType.LINUX_SLL2 ? 7 : 0, p.ifIndex());
            assertEquals(CapturedPacket.fromSkBuff(pkts[i]), p.headers(), "packet " + i);
        }
        // libpcap (through pcap4j) reads the same file to the same headers
        List<CapturedPacket> lib = new ArrayList<>();
        Pcap4jReader.forEach(f, lib::add);
        assertEquals(got.stream().map(CapturedPacket::headers).toList(), lib.stream().map(CapturedPacket::headers).toList());
        assertEquals(got.stream().map(CapturedPacket::timestampNanos).toList(), lib.stream().map(CapturedPacket::timestampNanos).toList());
    }

    @Test
    void decodedFieldsAreTheWireValues() {
        Path f = dir.resolve("fields.pcap");
        try (PcapWriter w = PcapWriter.create(f, LinkType.ETHERNET)) {
            for (SkBuff s : Packets.all()) w.write(T0, s, L2Meta.ethernet(Packets.MAC_A, Packets.MAC_B));
        }
        List<CapturedPacket> p = CaptureStream.readAll(f);
        CapturedPacket syn = p.get(0);
        assertEquals(Ipv4.parse("10.0.0.1"), syn.src());
        assertEquals(40000, syn.sport());
        assertEquals(80, syn.dport());
        assertEquals(0x02, syn.tcpFlags());
        assertEquals(0xdeadbeefL, syn.seq());
        assertEquals(4321, syn.ipId());
        assertEquals(0x12, p.get(1).tcpFlags());
        assertEquals(0xdeadbef0L, p.get(1).ack());
        assertEquals(63, p.get(1).ttl());
        assertEquals(5, p.get(2).payloadLength());
        assertEquals(0x10, p.get(2).tos());
        CapturedPacket echo = p.get(3);
        assertEquals(8, echo.icmpType());
        assertEquals(777, echo.sport());
        assertEquals(3, echo.seq());
        assertEquals(56, echo.payloadLength());
        CapturedPacket unreach = p.get(4);
        assertEquals(3, unreach.icmpType());
        assertEquals(3, unreach.icmpCode());
        assertEquals(20 + 8 + 5, unreach.payloadLength(), "the whole quoted UDP datagram, as icmp_send quotes it");
        assertNotNull(unreach.quoted());
        assertEquals(Ipv4.parse("10.0.0.53"), unreach.quoted().dst());
        assertEquals(41000, unreach.quoted().sport());
        assertEquals(18999, unreach.quoted().dport());
        assertEquals(17, unreach.quoted().protocol());
        CapturedPacket ipip = p.get(5);
        assertEquals(4, ipip.protocol());
        assertEquals(40, ipip.payloadLength());
        assertEquals(40000, ipip.inner().sport());
        assertEquals(0x02, ipip.inner().tcpFlags());
    }

    @Test
    void nonIpv4FramesAreCountedNotReturned() throws Exception {
        Path f = dir.resolve("mixed.pcap");
        byte[] arp = new byte[42];
        arp[12] = 0x08; arp[13] = 0x06;
        byte[] v6 = new byte[54];
        v6[12] = (byte) 0x86; v6[13] = (byte) 0xdd; v6[14] = 0x60;
        byte[] lldp = new byte[60];
        lldp[12] = (byte) 0x88; lldp[13] = (byte) 0xcc;
        byte[] runt = new byte[10];
        try (PcapWriter w = PcapWriter.create(f, LinkType.ETHERNET)) {
            w.writeFrame(T0, arp, 0, arp.length, arp.length);
            w.write(T0, Packets.syn(), L2Meta.ethernet(Packets.MAC_A, Packets.MAC_B));
            w.writeFrame(T0, v6, 0, v6.length, v6.length);
            w.writeFrame(T0, arp, 0, arp.length, arp.length);
            w.writeFrame(T0, lldp, 0, lldp.length, lldp.length);
            w.writeFrame(T0, runt, 0, runt.length, runt.length);
        }
        List<CapturedPacket> got = new ArrayList<>();
        CaptureStats st = CaptureStream.forEach(f, got::add);
        assertEquals(1, got.size());
        assertEquals(1, got.get(0).index(), "index counts every frame");
        assertEquals(6, st.frames());
        assertEquals(1, st.ipv4Packets());
        assertEquals(2L, st.skipped().get("arp"));
        assertEquals(1L, st.skipped().get("ipv6"));
        assertEquals(1L, st.skipped().get("ethertype 0x88cc"));
        assertEquals(1L, st.skipped().get("ethernet frame shorter than 14 bytes"));
        assertTrue(st.report().contains("skipped 2 arp (first: frame 0)"), st.report());
    }

    @Test
    void anIcmpErrorQuotesTheWholeOffendingPacketUpTo576Bytes() {
        // icmp_send quotes as much as fits in 576 bytes, not RFC 792's IP header + 8
        SkBuff err = new SkBuff();
        err.protocol = 1;
        err.dport = 3 << 8 | 3;
        err.icmpInner = Packets.syn();
        assertEquals(20 + 8 + 40, PacketEncoder.encode(err).length, "the whole 40-byte simulated SYN");
        err.icmpInner = Packets.udp();
        err.icmpInner.payload = new byte[1200];
        byte[] big = PacketEncoder.encode(err);
        assertEquals(576, big.length, "cut at icmp_send's room");
        byte[] quoted = PacketEncoder.encode(err.icmpInner);
        assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(quoted, 548)),
                java.util.Arrays.toString(java.util.Arrays.copyOfRange(big, 28, 576)), "the quote is the packet's first bytes");
    }

    @Test
    void aRedirectCarriesItsGatewayInTheRestOfTheHeader() {
        // RFC 792: the redirect's second word is the gateway the host should use (icmp_send's info)
        SkBuff r = new SkBuff();
        r.protocol = 1;
        r.dport = 5 << 8 | 1;
        r.seq = Ipv4.parse("172.16.0.1").bits() & 0xffffffffL;
        r.icmpInner = Packets.syn();
        byte[] b = PacketEncoder.encode(r);
        assertArrayEquals(new byte[] {(byte) 172, 16, 0, 1}, java.util.Arrays.copyOfRange(b, 24, 28));
        r.dport = 3 << 8 | 3; // port unreachable: the word is unused, 0
        r.seq = 0;
        assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(PacketEncoder.encode(r), 24, 28));
    }

    @Test
    void snaplenCutPacketsAreMarkedTruncated() {
        Path f = dir.resolve("snap.pcap");
        byte[] ip = PacketEncoder.encode(Packets.syn());
        try (PcapWriter w = PcapWriter.create(f, LinkType.RAW)) {
            w.writeFrame(T0, ip, 0, 30, ip.length); // IP header + 10 bytes of TCP
        }
        List<CapturedPacket> got = new ArrayList<>();
        CaptureStats st = CaptureStream.forEach(f, got::add);
        CapturedPacket p = got.get(0);
        assertTrue(p.truncated());
        assertEquals(40000, p.sport());
        assertEquals(0xdeadbeefL, p.seq());
        assertEquals(0, p.tcpFlags(), "flags lie beyond the snaplen");
        assertEquals(1L, st.notes().get("packets with headers cut by the snaplen"));
    }

    @Test
    void pcapngWithTwoLinkTypesNamesDirectionsAndResolutions() throws Exception {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] eth = frame(LinkType.ETHERNET, Packets.syn(), Direction.UNKNOWN);
            byte[] sll2 = frame(LinkType.LINUX_SLL2, Packets.synAck(), Direction.IN);
            byte[] raw = PacketEncoder.encode(Packets.udp());
            PcapngBuilder b = new PcapngBuilder(order).section(order)
                    .iface(1, "veth0", 9, 0)
                    .other(4, 20) // name resolution block
                    .iface(276, "any", -1, 0)
                    .iface(101, null, 0x80 | 20, 100) // 2^-20 s units, +100 s offset
                    .epb(0, T0, eth, 2)
                    .epb(1, T0 / 1000, sll2, -1)
                    .epb(1, T0 / 1000, frame(LinkType.LINUX_SLL2, Packets.syn(), Direction.OUT), 1) // epb_flags win over SLL2
                    .spb(eth)
                    .epb(2, 3L << 20 | 1L << 19, raw, -1)
                    .other(5, 40) // interface statistics
                    .pb(1, T0 / 1000, sll2)
                    .section(order == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
                    .iface(228, "tun0", -1, 0)
                    .epb(0, 5_000_000L, raw, 0);
            Path f = dir.resolve("multi-" + order + ".pcapng");
            Files.write(f, b.bytes());
            List<CapturedPacket> p = CaptureStream.readAll(f);
            assertEquals(7, p.size(), order.toString());
            assertEquals("veth0", p.get(0).capturePoint());
            assertEquals(Direction.OUT, p.get(0).direction());
            assertEquals(T0, p.get(0).timestampNanos());
            assertEquals(CapturedPacket.fromSkBuff(Packets.syn()), p.get(0).headers());
            assertEquals("any", p.get(1).capturePoint());
            assertEquals(Direction.IN, p.get(1).direction(), "from the SLL2 packet type");
            assertEquals(7, p.get(1).ifIndex());
            assertEquals(T0 / 1000 * 1000, p.get(1).timestampNanos());
            assertEquals(Direction.IN, p.get(2).direction(), "epb_flags inbound");
            assertEquals("veth0", p.get(3).capturePoint(), "SPB belongs to interface 0");
            assertEquals(0, p.get(3).timestampNanos(), "SPB has no timestamp");
            assertEquals(Direction.UNKNOWN, p.get(3).direction());
            assertEquals("multi-" + order + ".pcapng", p.get(4).capturePoint(), "no if_name: the file");
            assertEquals(103_500_000_000L, p.get(4).timestampNanos(), "3.5 s in 2^-20 units plus if_tsoffset 100 s");
            assertEquals(CapturedPacket.fromSkBuff(Packets.udp()), p.get(4).headers());
            assertEquals(Direction.IN, p.get(5).direction(), "obsolete packet block, SLL2 direction");
            assertEquals("tun0", p.get(6).capturePoint(), "a new section has its own interfaces");
            assertEquals(5_000_000_000L, p.get(6).timestampNanos());
        }
    }

    @Test
    void interfaceSnaplenBoundsSimplePacketBlock() throws Exception {
        // SPB captured length = min(original length, IDB snaplen): here the whole frame
        byte[] eth = frame(LinkType.ETHERNET, Packets.udp(), Direction.UNKNOWN);
        Path f = dir.resolve("spb.pcapng");
        Files.write(f, new PcapngBuilder(ByteOrder.LITTLE_ENDIAN).section(ByteOrder.LITTLE_ENDIAN).iface(1, null, -1, 0).spb(eth).bytes());
        assertEquals(CapturedPacket.fromSkBuff(Packets.udp()), CaptureStream.readAll(f).get(0).headers());
    }

    @Test
    void vlanTaggedEthernetAndUnsupportedLinkTypes() throws Exception {
        byte[] plain = frame(LinkType.ETHERNET, Packets.syn(), Direction.UNKNOWN);
        byte[] tagged = new byte[plain.length + 4];
        System.arraycopy(plain, 0, tagged, 0, 12);
        tagged[12] = (byte) 0x81; tagged[13] = 0; tagged[14] = 0; tagged[15] = 42; // 802.1Q, VLAN 42
        System.arraycopy(plain, 12, tagged, 16, plain.length - 12);
        Path f = dir.resolve("vlan.pcapng");
        Files.write(f, new PcapngBuilder(ByteOrder.LITTLE_ENDIAN).section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, "eth0", -1, 0).iface(147, "user0", -1, 0)
                .epb(0, 1, tagged, -1).epb(1, 1, plain, -1).bytes());
        List<CapturedPacket> got = new ArrayList<>();
        CaptureStats st = CaptureStream.forEach(f, got::add);
        assertEquals(1, got.size());
        assertEquals(CapturedPacket.fromSkBuff(Packets.syn()), got.get(0).headers());
        assertEquals(1L, st.skipped().get("frames of unsupported link type 147"));
    }

    @Test
    void cookedV2InterfaceIndexNamesTheCapturePoint() {
        Path f = dir.resolve("any.pcap");
        try (PcapWriter w = PcapWriter.create(f, LinkType.LINUX_SLL2)) {
            w.write(T0, Packets.syn(), L2Meta.cooked(7, Direction.OUT, Packets.MAC_A));
            w.write(T0, Packets.synAck(), L2Meta.cooked(9, Direction.IN, Packets.MAC_B));
        }
        List<CapturedPacket> got = new ArrayList<>();
        try (CaptureStream s = CaptureStream.open(f, ix -> ix == 7 ? "veth0" : null)) {
            s.forEachRemaining(got::add);
        }
        assertEquals("veth0", got.get(0).capturePoint());
        assertEquals(7, got.get(0).ifIndex());
        assertEquals("any.pcap", got.get(1).capturePoint(), "unknown index keeps the file name");
        assertEquals(9, got.get(1).ifIndex());
        assertEquals(Direction.IN, got.get(1).direction());
    }

    /** A frame with the given link-layer header, through the writer (so the writer's headers are tested too). */
    static byte[] frame(LinkType lt, SkBuff s, Direction dir) throws Exception {
        Path tmp = Files.createTempFile("fnlab-frame", ".pcap");
        try {
            try (PcapWriter w = PcapWriter.create(tmp, lt)) {
                w.write(0, s, new L2Meta(Packets.MAC_A, Packets.MAC_B, 7, dir));
            }
            byte[] all = Files.readAllBytes(tmp);
            return java.util.Arrays.copyOfRange(all, 40, all.length);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
