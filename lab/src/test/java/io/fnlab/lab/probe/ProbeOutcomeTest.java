package io.fnlab.lab.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabPlan.LabHost;
import io.fnlab.lab.netns.LabPlan.LabIface;
import io.fnlab.lab.netns.LabPlan.LabServer;
import io.fnlab.lab.netns.LabPlan.LabStep;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.netns.NetnsBackend;
import io.fnlab.model.scenario.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The probe's outcome mapping against what the host kernel really sends back. */
@Tag("kernel")
class ProbeOutcomeTest {
    static LabResult r;

    @BeforeAll
    static void run() {
        NetnsBackend.unavailableReason().ifPresent(x -> Assumptions.abort("netns lab unavailable: " + x));
        String server = "iptables -A INPUT -p tcp --dport 81 -j REJECT\n"            // icmp-port-unreachable
                + "iptables -A INPUT -p tcp --dport 83 -j DROP\n"
                + "iptables -A INPUT -p tcp --dport 84 -j REJECT --reject-with tcp-reset\n";
        LabPlan plan = new LabPlan("outcomes",
                List.of(new LabHost("a", List.of(new LabIface("eth0", "s", "10.9.0.1/24")), ""),
                        new LabHost("b", List.of(new LabIface("eth0", "s", "10.9.0.2/24")), server)),
                List.of(new LabServer("b", "tcp", 80, "tcp-ok", null), new LabServer("b", "udp", 53, "udp-ok", null)),
                List.of(new LabStep.Connect("ok", "a", "tcp", "10.9.0.2", 80, 40000, "x", 1500, 2),
                        new LabStep.Connect("icmp", "a", "tcp", "10.9.0.2", 81),
                        new LabStep.Connect("closed", "a", "tcp", "10.9.0.2", 82),
                        new LabStep.Connect("drop", "a", "tcp", "10.9.0.2", 83, 0, "x", 800, 1),
                        new LabStep.Connect("rst", "a", "tcp", "10.9.0.2", 84),
                        new LabStep.Connect("udpok", "a", "udp", "10.9.0.2", 53),
                        new LabStep.Connect("udpclosed", "a", "udp", "10.9.0.2", 54)),
                false);
        r = new NetnsBackend().run(plan, Duration.ofSeconds(60));
    }

    private static Outcome outcome(String id) {
        return r.flow(id).get(0).clientOutcome().orElseThrow(() -> new AssertionError(r.text("flow-" + id + ".jsonl")));
    }

    @Test
    void outcomesAsAClientSeesThem() {
        assertEquals(0, r.exitCode(), r.log());
        assertEquals(Outcome.ESTABLISHED, outcome("ok"));
        assertEquals(Outcome.REFUSED, outcome("icmp"), "REJECT's ICMP port unreachable");
        assertEquals(Outcome.RESET, outcome("closed"), "no listener: the kernel answers with a RST");
        assertEquals(Outcome.TIMEOUT, outcome("drop"));
        assertEquals(Outcome.RESET, outcome("rst"));
        assertEquals(Outcome.ESTABLISHED, outcome("udpok"));
        assertEquals("udp-ok", r.flow("udpok").get(0).response());
        assertEquals(Outcome.REFUSED, outcome("udpclosed"));
    }

    @Test
    void sourcePortAndCountGiveConsecutivePorts() {
        var flow = r.flow("ok");
        assertEquals(2, flow.size());
        assertEquals(40000, flow.get(0).localPort());
        assertEquals(40001, flow.get(1).localPort());
        assertEquals("tcp-ok", flow.get(1).response());
        var served = r.served(new LabServer("b", "tcp", 80, "tcp-ok", null));
        assertEquals(List.of(40000, 40001), served.stream().map(ProbeEvent::peerPort).toList());
    }
}
