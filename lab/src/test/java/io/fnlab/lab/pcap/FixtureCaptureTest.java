package io.fnlab.lab.pcap;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Captures made by real tools on the lab's veth pair (see KernelCaptureTest, which makes them
 * afresh when run as root): tcpdump -i any (LINUX_SLL2, microseconds), tcpdump -i veth0
 * --time-stamp-precision nano (Ethernet), dumpcap -i veth0 -i any (pcapng, Ethernet and LINUX_SLL
 * v1 interfaces in one section, with interface statistics blocks).
 */
class FixtureCaptureTest {
    static Path fixture(String name) throws Exception {
        return Path.of(FixtureCaptureTest.class.getResource("/pcap/" + name).toURI());
    }

    private static List<CapturedPacket> read(Path f, CaptureStats[] stats) {
        List<CapturedPacket> out = new ArrayList<>();
        stats[0] = CaptureStream.forEach(f, out::add);
        return out;
    }

    @Test
    void tcpdumpAnyIsCookedV2WithDirections() throws Exception {
        CaptureStats[] st = new CaptureStats[1];
        List<CapturedPacket> p = read(fixture("kernel-any-sll2.pcap"), st);
        RealTrafficChecks.check("tcpdump -i any", p, st[0], true);
        assertTrue(p.stream().allMatch(x -> x.ifIndex() > 0), "SLL2 carries the interface index");
        assertEquals(1, p.stream().map(CapturedPacket::ifIndex).distinct().count(), "all on veth0");
    }

    @Test
    void tcpdumpVethIsEthernetWithNanoseconds() throws Exception {
        CaptureStats[] st = new CaptureStats[1];
        List<CapturedPacket> p = read(fixture("kernel-veth0-ethernet-nano.pcap"), st);
        RealTrafficChecks.check("tcpdump -i veth0", p, st[0], false);
        assertTrue(p.stream().anyMatch(x -> x.timestampNanos() % 1000 != 0), "nanosecond stamps keep sub-microsecond digits");
    }

    @Test
    void dumpcapPcapngHasTwoInterfacesWithDifferentLinkTypes() throws Exception {
        CaptureStats[] st = new CaptureStats[1];
        List<CapturedPacket> p = read(fixture("kernel-dumpcap-veth0-any.pcapng"), st);
        Map<String, List<CapturedPacket>> byPoint = p.stream().collect(Collectors.groupingBy(CapturedPacket::capturePoint));
        assertEquals(java.util.Set.of("veth0", "any"), byPoint.keySet());
        // the ARP count is per file here: two ARP frames on each interface
        assertEquals(4L, st[0].skipped().get("arp"));
        assertEquals(st[0].frames(), st[0].ipv4Packets() + st[0].skippedCount());
        RealTrafficChecks.check("dumpcap veth0 (Ethernet)", byPoint.get("veth0"), null, false);
        RealTrafficChecks.check("dumpcap any (LINUX_SLL)", byPoint.get("any"), null, true);
        List<CapturedPacket> eth = byPoint.get("veth0"), sll = byPoint.get("any");
        assertEquals(eth.stream().map(CapturedPacket::headers).toList(), sll.stream().map(CapturedPacket::headers).toList(),
                "both interfaces saw the same IPv4 packets");
    }

    @Test
    void tsharkAgreesWithEveryRecord() throws Exception {
        assumeTrue(ExternalTools.onPath("tshark"), "tshark not installed");
        for (String f : new String[] {"kernel-any-sll2.pcap", "kernel-veth0-ethernet-nano.pcap", "kernel-dumpcap-veth0-any.pcapng"}) {
            Path path = fixture(f);
            RealTrafficChecks.assertTsharkAgrees(path, CaptureStream.readAll(path));
        }
    }

    @Test
    void pcap4jReadsThePcapFixturesTheSame() throws Exception {
        for (String f : new String[] {"kernel-any-sll2.pcap", "kernel-veth0-ethernet-nano.pcap"}) {
            Path path = fixture(f);
            List<CapturedPacket> lib = new ArrayList<>();
            Pcap4jReader.forEach(path, lib::add);
            assertEquals(CaptureStream.readAll(path).stream().map(x -> x.at(null, x.index(), x.timestampNanos(), Direction.UNKNOWN, 0)).toList(),
                    lib.stream().map(x -> x.at(null, x.index(), x.timestampNanos(), Direction.UNKNOWN, 0)).toList(), f);
        }
    }
}
