package io.fnlab.sim.explain;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import org.junit.jupiter.api.Test;

class FlowWalkTest {
    /** The text of one hop of a packet, as FlowWalk renders it. */
    private static String hopText(Trace t, String host) {
        StringBuilder b = new StringBuilder();
        for (Hop h : t.hops()) if (h.host().equals(host)) FlowWalk.renderHop(b, h);
        return b.toString();
    }

    private static int after(String text, int from, String what) {
        int i = text.indexOf(what, from);
        assertTrue(i >= 0, "expected '" + what + "' after position " + from + " in:\n" + text);
        return i;
    }

    @Test
    void fullnatFirstPacketOnTheDirectorHookByHook() {
        Scenario s = Library.read("seed000-fullnat");
        FlowResult r = Flows.runScenarioFlow(s, "curl");
        assertEquals(Outcome.ESTABLISHED, r.outcome());
        String d = hopText(r.traces().get(0), "director");
        int i = after(d, 0, "[PREROUTING -100] nf_nat nf_nat_ipv4_pre_routing -> ACCEPT");
        i = after(d, i, "rule nat/KUBE-MARK-MASQ #1: -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000");
        after(d, i, "seed000-fullnat.yaml:56");
        i = after(d, i, "MARK set 0x4000");
        i = after(d, i, "[INPUT 99] ip_vs ip_vs_in_hook -> STOLEN");
        i = after(d, i, "scheduler rr: picked 192.168.1.2:8181 (MASQ) because rr:");
        i = after(d, i, "REWRITE ip_vs DNAT");
        i = after(d, i, "(dst 10.1.1.1:80 -> 192.168.1.2:8181)");
        i = after(d, i, "re-injected");
        i = after(d, i, "[OUTPUT -200] nf_conntrack");
        i = after(d, i, "[POSTROUTING 100] nf_nat nf_nat_ipv4_out -> ACCEPT");
        i = after(d, i, "rule nat/KUBE-POSTROUTING #1: -A KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE");
        i = after(d, i, "REWRITE nf_nat SNAT");
        i = after(d, i, "(src 10.1.1.100:");
        after(d, i, "transmit on eth0 to 10.1.1.254: TCP 10.1.1.1:");
        // the MARK rule ran before IPVS scheduled, the MASQUERADE after: the order the kernel's hooks give
        assertTrue(d.indexOf("KUBE-MARK-MASQ #1") < d.indexOf("[INPUT 99]"));
    }

    @Test
    void fullnatReplyIsDeSnatedThenGetsTheVipBack() {
        Scenario s = Library.read("seed000-fullnat");
        FlowResult r = Flows.runScenarioFlow(s, null);
        String d = hopText(r.traces().get(1), "director");
        int i = after(d, 0, "REWRITE nf_nat de-SNAT");
        i = after(d, i, "[FORWARD 100] ip_vs ip_vs_out_hook -> ACCEPT");
        after(d, i, "(src 192.168.1.2:8181 -> 10.1.1.1:80)");
        assertFalse(d.contains("re-injected"), "a forwarded reply is not re-injected:\n" + d);
    }

    @Test
    void drRewritesNoAddress() {
        Scenario s = Library.read("modes-dr");
        FlowResult r = Flows.runScenarioFlow(s, "first");
        assertEquals(Outcome.ESTABLISHED, r.outcome());
        for (Trace t : r.traces())
            for (Hop h : t.hops())
                for (Step st : h.steps()) assertFalse(st instanceof Step.Rewrite, "DR rewrote on " + h.host() + ": " + st);
        String text = FlowWalk.render(r);
        assertFalse(text.contains("REWRITE"), text);
        assertTrue(text.contains("picked 10.0.0.12:80 (GATE)"), text);
        // the real server sees the VIP as destination: nothing rewrote it
        assertEquals("172.16.0.100", r.serverView().dst().toString());
        assertEquals("172.16.0.10", r.serverView().src().toString());
    }

    @Test
    void tunnelRewriteIsDescribedAsEncapsulation() {
        FlowResult r = Flows.runScenarioFlow(Library.read("modes-tun"), null);
        String text = FlowWalk.render(r);
        assertTrue(text.contains("encapsulated in IPIP 10.0.0.1 > 10.0.0.12; the inner packet keeps 172.16.0.10:"), text);
    }

    @Test
    void unknownFlowIdIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Flows.runScenarioFlow(Library.read("modes-dr"), "nope"));
        assertTrue(e.getMessage().contains("[first, second]"), e.getMessage());
    }

    @Test
    void laterFlowSeesTheStateEarlierFlowsLeft() {
        // rr: the second connection goes to the other real server
        FlowResult r = Flows.runScenarioFlow(Library.read("modes-dr"), "second");
        assertEquals("rs1", r.servedByHost());
    }
}
