package io.fnlab.sim.explain;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.trace.Trace;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SequenceDiagramTest {
    static int packetHops(FlowResult r) {
        int n = 0;
        for (Trace t : r.traces()) n += Math.max(0, t.hops().size() - 1);
        return n;
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void fullnatHasALanePerHostAndAnArrowPerHop() {
        Scenario s = Library.read("seed000-fullnat");
        FlowResult r = Flows.runScenarioFlow(s, null);
        SequenceDiagram d = SequenceDiagram.of(r, s);
        assertEquals(List.of("client", "director", "router", "rs1"), d.lanes());
        assertEquals(packetHops(r), d.arrows().size());
        assertTrue(d.arrows().size() >= 24, "8 packets of 3 hops each: " + d.arrows().size());
        SequenceDiagram.Arrow first = d.arrows().get(0), second = d.arrows().get(1);
        assertEquals("client", first.from());
        assertEquals("director", first.to());
        assertTrue(first.rewrites().isEmpty());
        assertEquals("director", second.from());
        assertEquals("router", second.to());
        assertTrue(second.wire().startsWith("TCP 10.1.1.1:"), second.wire());
        assertTrue(second.rewrites().stream().anyMatch(x -> x.startsWith("ip_vs DNAT: dst 10.1.1.1:80 -> 192.168.1.2:8181")),
                second.rewrites().toString());
        assertTrue(second.rewrites().stream().anyMatch(x -> x.startsWith("nf_nat SNAT: src 10.1.1.100:")), second.rewrites().toString());
    }

    @Test
    void textHasTheLanesAndOneArrowLinePerHop() {
        Scenario s = Library.read("seed000-fullnat");
        FlowResult r = Flows.runScenarioFlow(s, null);
        String t = SequenceDiagram.of(r, s).text();
        String[] lines = t.split("\n");
        assertTrue(lines[1].matches("\\s+client\\s+director\\s+router\\s+rs1"), lines[1]);
        int arrows = 0;
        for (String l : lines) if (l.contains("->|") || l.contains("|<-")) arrows++;
        assertEquals(packetHops(r), arrows, t);
        assertTrue(t.contains("director: ip_vs DNAT: dst 10.1.1.1:80 -> 192.168.1.2:8181"), t);
    }

    @Test
    void svgCarriesDataAttributes() {
        Scenario s = Library.read("seed000-fullnat");
        FlowResult r = Flows.runScenarioFlow(s, null);
        String html = SequenceDiagram.html(r, s);
        assertEquals(4, count(html, "<g class=\"lane\" data-lane=\""));
        assertEquals(packetHops(r), count(html, "<g class=\"hop\" data-hop=\""));
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.matches("(?s).*(href|src)=\"https?:.*"), "no external resources");
        assertTrue(html.contains("data-hop=\"1\" data-packet=\"1\" data-from=\"client\" data-to=\"director\""), html);
    }

    @Test
    void drReplyBypassesTheDirector() {
        Scenario s = Library.read("modes-dr");
        FlowResult r = Flows.runScenarioFlow(s, null);
        SequenceDiagram d = SequenceDiagram.of(r, s);
        assertEquals(List.of("client", "director", "router", "rs2"), d.lanes());
        // packet 2 (SYN-ACK) goes rs2 -> router -> client
        List<SequenceDiagram.Arrow> p2 = d.arrows().stream().filter(a -> a.packet() == 2).toList();
        assertEquals(List.of("rs2>router", "router>client"), p2.stream().map(a -> a.from() + ">" + a.to()).toList());
    }

    @Test
    void escapesMarkup() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", Html.esc("<a href=\"x\">&'"));
    }
}
