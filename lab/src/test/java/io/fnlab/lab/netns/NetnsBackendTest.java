package io.fnlab.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.netns.LabPlan.LabHost;
import io.fnlab.lab.netns.LabPlan.LabIface;
import io.fnlab.lab.netns.LabPlan.LabServer;
import io.fnlab.lab.netns.LabPlan.LabStep;
import io.fnlab.lab.probe.ProbeEvent;
import io.fnlab.model.scenario.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Client - router - server on the host kernel, in namespaces the test creates and deletes. */
@Tag("kernel")
class NetnsBackendTest {
    private static final String OWN = "fnlab-" + ProcessHandle.current().pid() + "-";

    @BeforeAll
    static void needRoot() {
        NetnsBackend.unavailableReason().ifPresent(r -> Assumptions.abort("netns lab unavailable: " + r));
    }

    @AfterAll
    static void nothingLeft() {
        NetnsBackend.removeNamespaces(OWN.substring(0, OWN.length() - 1));
    }

    static LabPlan routed(boolean masquerade) {
        String router = "sysctl -w net.ipv4.ip_forward=1\n"
                + (masquerade ? "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE\n" : "");
        LabServer server = new LabServer("server", "tcp", 80, "pong", null);
        return new LabPlan(masquerade ? "masq" : "nomasq",
                List.of(new LabHost("client", List.of(new LabIface("eth0", "left", "10.0.1.2/24")), "ip route add default via 10.0.1.1\n"),
                        new LabHost("router", List.of(new LabIface("eth0", "left", "10.0.1.1/24"),
                                new LabIface("eth1", "right", "10.0.2.1/24")), router),
                        // no route back to 10.0.1.0/24: only the router's SNAT makes replies routable
                        new LabHost("server", List.of(new LabIface("eth0", "right", "10.0.2.2/24")), "")),
                List.of(server),
                List.of(new LabStep.Connect("c1", "client", "tcp", "10.0.2.2", 80, 0, "ping", 1500, 1),
                        new LabStep.Run("router", "conntrack -L -p tcp 2>&1", "router-conntrack.txt")),
                true);
    }

    @Test
    void masqueradeMakesTheServerSeeTheRouter() {
        LabPlan plan = routed(true);
        LabResult r = new NetnsBackend().run(plan, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.log());
        List<ProbeEvent> flow = r.flow("c1");
        assertEquals(1, flow.size(), r.text("flow-c1.jsonl"));
        assertEquals(Outcome.ESTABLISHED, flow.get(0).clientOutcome().orElseThrow());
        assertEquals("pong", flow.get(0).response());
        assertEquals("10.0.1.2", flow.get(0).localAddr());
        List<ProbeEvent> served = r.served(plan.servers().get(0));
        assertEquals(1, served.size());
        assertEquals("10.0.2.1", served.get(0).peerAddr(), "the server must see the router's address");
        assertEquals("ping", served.get(0).request());
        assertTrue(r.capture("server").contains("10.0.2.1."), r.capture("server"));
        assertTrue(r.text("router-conntrack.txt").contains("src=10.0.1.2 dst=10.0.2.2"), r.text("router-conntrack.txt"));
        assertEquals(List.of(), NetnsBackend.namespaces(OWN), "namespaces left behind");
    }

    /**
     * A scenario's flows on the host kernel: "rep" (three connections from port 40000 on) at 0 and
     * "late" at 1 s. late's SYN leaves a second after the first (not right after rep's last
     * connection), rep's connections take the next source port each, and the Run step after the
     * flows sees both in the router's conntrack table: it ran only once they had ended.
     */
    @Test
    void flowsStartAtTheirOffsetsAndAStepAfterThemWaits() {
        LabPlan base = routed(true);
        LabPlan plan = new LabPlan("timed", base.hosts(), base.servers(),
                List.of(new LabStep.Connect("rep", "client", "tcp", "10.0.2.2", 80, 40000, "ping", 1500, 3, 0),
                        new LabStep.Connect("late", "client", "tcp", "10.0.2.2", 80, 0, "ping", 1500, 1, 1000),
                        new LabStep.Run("router", "conntrack -L -p tcp 2>&1", "router-conntrack.txt")),
                true);
        LabResult r = new NetnsBackend().run(plan, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.log());
        List<ProbeEvent> rep = r.flow("rep");
        assertEquals(3, rep.size(), r.text("flow-rep.jsonl"));
        for (int k = 0; k < 3; k++) {
            assertEquals(Outcome.ESTABLISHED, rep.get(k).clientOutcome().orElseThrow(), rep.get(k).raw());
            assertEquals(40000 + k, rep.get(k).localPort(), rep.get(k).raw());
        }
        assertEquals(Outcome.ESTABLISHED, r.flow("late").get(0).clientOutcome().orElseThrow(), r.text("flow-late.jsonl"));
        // SYNs the client sent, in capture order: rep's three, then late's
        List<Double> syns = r.capture("client").lines().filter(l -> l.contains(" > 10.0.2.2.80: Flags [S],"))
                .map(l -> { String[] t = l.substring(0, l.indexOf(' ')).split(":");
                    return Integer.parseInt(t[0]) * 3600 + Integer.parseInt(t[1]) * 60 + Double.parseDouble(t[2]); }).toList();
        assertEquals(4, syns.size(), r.capture("client"));
        assertTrue(syns.get(3) - syns.get(0) >= 0.95, "late began 1 s after the traffic did: " + syns);
        assertTrue(syns.get(1) - syns.get(0) >= 0.1 && syns.get(2) - syns.get(1) >= 0.1, "repeats 100 ms apart at least: " + syns);
        String ct = r.text("router-conntrack.txt");
        assertTrue(ct.contains("sport=40002") && ct.contains("TIME_WAIT"), ct);
        assertEquals(4, ct.lines().filter(l -> l.contains("src=10.0.1.2 dst=10.0.2.2")).count(), ct);
        assertEquals(List.of(), NetnsBackend.namespaces(OWN), "namespaces left behind");
    }

    @Test
    void withoutMasqueradeTheReplyHasNoRoute() {
        LabResult r = new NetnsBackend().run(routed(false), Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.log());
        ProbeEvent e = r.flow("c1").get(0);
        assertEquals(Outcome.TIMEOUT, e.clientOutcome().orElseThrow(), e.raw());
        // the SYN reached the server with the client's own address
        assertTrue(r.capture("server").contains("10.0.1.2."), r.capture("server"));
        assertEquals(List.of(), NetnsBackend.namespaces(OWN), "namespaces left behind");
    }
}
