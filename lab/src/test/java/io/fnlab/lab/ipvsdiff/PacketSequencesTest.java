package io.fnlab.lab.ipvsdiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PacketSequencesTest {
    @Test
    void ephemeralPortsAreBoundOnFirstSightPureAcksAndRepeatsDropped() {
        List<PacketSeen> seq = List.of(
                PacketSequences.parseSim(false, "TCP 10.0.0.1:40000 > 10.0.0.9:80 [S]"),
                PacketSequences.parseSim(true, "TCP 10.0.0.9:80 > 10.0.0.1:40000 [S.]"),
                PacketSequences.parseSim(false, "TCP 10.0.0.1:40000 > 10.0.0.9:80 [.]"),
                PacketSequences.parseSim(false, "TCP 10.0.0.1:40000 > 10.0.0.9:80 [P.] len 5"),
                PacketSequences.parseSim(false, "TCP 10.0.0.1:40000 > 10.0.0.9:80 [S]"),
                PacketSequences.parseSim(false, "TCP 10.0.0.1:39000 > 10.0.0.9:80 [S]"),
                PacketSequences.parseSim(true, "ICMP 10.0.0.254 > 10.0.0.1 type 5 code 1"));
        assertEquals(List.of(
                "out TCP 10.0.0.1:e1 > 10.0.0.9:80 [S]",
                "in  TCP 10.0.0.9:80 > 10.0.0.1:e1 [S.]",
                "out TCP 10.0.0.1:e1 > 10.0.0.9:80 [P.] data",
                "out TCP 10.0.0.1:e2 > 10.0.0.9:80 [S]",
                "in  ICMP 10.0.0.254 > 10.0.0.1 type 5 code 1"), PacketSequences.normalise(seq, Set.of(80)));
    }

    @Test
    void tunnelsAreNotComparedAsPackets() {
        assertNull(PacketSequences.parseSim(true, "IPIP 10.0.0.1 > 10.0.0.2 (TCP 1.1.1.1:1 > 2.2.2.2:80 [S])"));
    }
}
