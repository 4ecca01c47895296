package io.fnlab.lab.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fnlab.model.scenario.Outcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeEventTest {
    @Test
    void parsesClientAndServerLinesAndSkipsNoise() {
        List<ProbeEvent> ev = ProbeEvent.parse("""
                {"event":"listening","proto":"tcp","local_addr":"0.0.0.0","local_port":80}
                bind: Address already in use
                {"event":"request","proto":"tcp","local_addr":"10.0.2.2","local_port":80,"peer_addr":"10.0.2.1","peer_port":47422,"request":"ping"}
                {"event":"connect","proto":"tcp","outcome":"reset","connected":false,"local_addr":"1.1.1.1","local_port":5,"remote_addr":"2.2.2.2","remote_port":6,"bytes":0,"response":"","errno":"ECONNREFUSED"}
                """);
        assertEquals(3, ev.size());
        assertEquals("10.0.2.1", ev.get(1).peerAddr());
        assertEquals(47422, ev.get(1).peerPort());
        assertEquals(Optional.of(Outcome.RESET), ev.get(2).clientOutcome());
        assertEquals("ECONNREFUSED", ev.get(2).errno());
        assertEquals(Optional.empty(), ev.get(0).clientOutcome());
    }
}
