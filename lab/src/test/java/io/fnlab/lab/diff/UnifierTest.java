package io.fnlab.lab.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.scenario.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison: run-time ports are variables bound on first sight, configured ports are literal. */
class UnifierTest {
    static final DiffCase CASE = new CaseBuilder("u").segment("front")
            .host("c1", "client").eth("eth0", "front", "10.0.1.2/24").done()
            .host("s1", "server").eth("eth0", "front", "10.0.1.10/24").done()
            .server("s1", "tcp", 8080, "s1")
            .flow("a", "c1", "tcp", "10.0.1.10", 8080, 0).flow("b", "c1", "tcp", "10.0.1.10", 8080, 40000).build();

    static Observation est(String flow, int cport, int sport) {
        return new Observation(flow, Outcome.ESTABLISHED, "10.0.1.2", cport, "s1", "s1", "10.0.1.2", sport, "10.0.1.10", 8080, "");
    }

    @Test
    void anEphemeralPortIsAVariableThatMustHoldWithinAFlow() {
        // the server sees the client's own port on both sides: agreement, whatever the numbers
        assertEquals(List.of(), Unifier.compare(CASE, List.of(est("a", 33000, 33000), est("b", 40000, 40000)),
                List.of(est("a", 51000, 51000), est("b", 40000, 40000))));
        // the simulator's server sees the client's port, the kernel's another one: caught
        List<String> d = Unifier.compare(CASE, List.of(est("a", 33000, 33000), est("b", 40000, 40000)),
                List.of(est("a", 51000, 52000), est("b", 40000, 40000)));
        assertEquals(1, d.size(), d::toString);
        assertTrue(d.get(0).contains("source port the server saw"), d::toString);
        // two sim ports standing for one kernel port: caught
        d = Unifier.compare(CASE, List.of(est("a", 33000, 34000), est("b", 40000, 40000)),
                List.of(est("a", 51000, 51000), est("b", 40000, 40000)));
        assertEquals(1, d.size(), d::toString);
    }

    /**
     * A case's flows run one after another: the kernel may give the second connect() the port the
     * first, closed one had (Linux 6.18 did, case-67 of seed 20261122) where the simulator took the
     * next port. Both are valid run-time choices; bindings hold within a flow.
     */
    @Test
    void aLaterFlowMayReuseAnEarlierFlowsPort() {
        assertEquals(List.of(), Unifier.compare(CASE, List.of(est("a", 38828, 38828), est("b", 38830, 38830)),
                List.of(est("a", 57830, 57830), est("b", 57830, 57830))));
        assertEquals(List.of(), Unifier.compare(CASE, List.of(est("a", 38828, 38828), est("b", 38828, 38828)),
                List.of(est("a", 57830, 57830), est("b", 57832, 57832))));
    }

    @Test
    void aPortTheConfigNamesIsComparedLiterally() {
        List<String> d = Unifier.compare(CASE, List.of(est("a", 33000, 33000), est("b", 40000, 40000)),
                List.of(est("a", 51000, 51000), est("b", 40000, 40001)));
        assertEquals(1, d.size(), d::toString);
        assertTrue(d.get(0).contains("a port the config names"), d::toString);
    }

    @Test
    void outcomesAndServersMustMatch() {
        Observation refused = new Observation("a", Outcome.REFUSED, null, 0, null, null, null, 0, null, 0, "");
        List<String> d = Unifier.compare(CASE, List.of(refused, est("b", 40000, 40000)),
                List.of(est("a", 51000, 51000), est("b", 40000, 40000)));
        assertEquals(List.of("a: outcome simulator REFUSED, kernel ESTABLISHED"), d);
        Observation other = new Observation("b", Outcome.ESTABLISHED, "10.0.1.2", 40000, "s1", "s2", "10.0.1.2", 40000, "10.0.1.10", 8080, "");
        d = Unifier.compare(CASE, List.of(est("a", 1, 1), est("b", 40000, 40000)), List.of(est("a", 2, 2), other));
        assertEquals(List.of("b: served by simulator s1, kernel s2"), d);
    }

    @Test
    void theYamlAndTheSetupCarryTheSameIptablesText() {
        String ipt = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset\nCOMMIT\n";
        DiffCase c = new CaseBuilder("t").segment("front").host("r", "router").eth("eth0", "front", "10.0.1.1/24")
                .sysctl("net.ipv4.ip_forward", 1).conf("rp_filter", 2).route("10.0.9.0/24", "10.0.1.5", "eth0", null).iptables(ipt).done().build();
        assertTrue(c.setup().get("r").contains("iptables-restore <<'FNLAB_IPT_EOF'\n" + ipt + "FNLAB_IPT_EOF\n"));
        assertTrue(c.setup().get("r").contains("echo 2 > /proc/sys/net/ipv4/conf/eth0/rp_filter\n"));
        assertTrue(c.setup().get("r").contains("ip route add 10.0.9.0/24 via 10.0.1.5 dev eth0\n"));
        var h = c.scenario().host("r").orElseThrow();
        assertEquals("2", h.config().sysctls().values().get("net.ipv4.conf.eth0.rp_filter"));
        assertEquals(1, h.config().iptables().tables().size());
        assertEquals(1, h.config().routes().size());
    }
}
