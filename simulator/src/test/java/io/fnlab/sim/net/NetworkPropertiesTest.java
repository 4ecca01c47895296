package io.fnlab.sim.net;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.sim.MiniWalker;
import io.fnlab.sim.trace.Trace;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class NetworkPropertiesTest {
    /** Whatever the seed (ports, ISNs), the fullnat path holds and every packet's trace says how it ended. */
    @Property(tries = 25)
    void fullnatHoldsForEverySeedAndEveryTraceEnds(@ForAll long seed) {
        Network n = new Network(seed, true);
        MiniWalker w = new MiniWalker();
        n.addHost(Fixtures.client().build(), Fixtures.servers(), w);
        n.addHost(Fixtures.director(true).build(), Fixtures.servers(), w);
        n.addHost(Fixtures.server().build(), Fixtures.servers(), w);
        List<FlowResult> rs = n.run(List.of(Fixtures.tcp("a", "client", "10.0.1.1:80"), Fixtures.udp("b", "client", "10.0.1.1:53")));
        assertEquals(Outcome.ESTABLISHED, rs.get(0).outcome());
        assertEquals(Ipv4.parse("10.0.2.1"), rs.get(0).serverView().src());
        assertEquals(rs.get(0).clientView().sport(), rs.get(0).serverView().sport(), "no clash: MASQUERADE keeps the port");
        assertEquals(Outcome.REFUSED, rs.get(1).outcome());
        for (Trace t : n.traces()) assertNotEquals("in flight", t.disposition(), t.toString());
    }

    @org.junit.jupiter.api.Test
    void withTracingOffTheOutcomesAreTheSameAndNoTraceIsBuilt() {
        for (boolean tracing : new boolean[] {true, false}) {
            Network n = new Network(77, tracing);
            MiniWalker w = new MiniWalker();
            n.addHost(Fixtures.client().build(), Fixtures.servers(), w);
            n.addHost(Fixtures.director(true).build(), Fixtures.servers(), w);
            n.addHost(Fixtures.server().build(), Fixtures.servers(), w);
            FlowResult r = n.run(List.of(Fixtures.tcp("a", "client", "10.0.1.1:80"))).get(0);
            assertEquals(Outcome.ESTABLISHED, r.outcome());
            assertEquals(Ipv4.parse("10.0.2.1"), r.serverView().src());
            assertEquals(tracing, !r.traces().isEmpty());
        }
    }
}
