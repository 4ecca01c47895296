package io.fnlab.sim.net;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.fnlab.sim.MiniWalker;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceJsonTest {
    @Test
    void flowResultsSerialiseWithTypedStepsAndDottedAddresses() throws Exception {
        Network n = Fixtures.network(new MiniWalker(), Fixtures.client(), Fixtures.director(true), Fixtures.server());
        FlowResult r = n.run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
        JsonNode root = TraceJson.mapper().readTree(TraceJson.write(r));
        assertEquals("web", root.get("flow").asText());
        assertEquals("ESTABLISHED", root.get("outcome").asText());
        assertEquals("10.0.2.1", root.get("serverView").get("src").asText());
        assertEquals("tcp", root.get("serverView").get("protocol").asText());
        JsonNode syn = root.get("traces").get(0);
        assertEquals(List.of("client", "director", "server"),
                List.of(syn.get("hops").get(0).get("host").asText(), syn.get("hops").get(1).get("host").asText(),
                        syn.get("hops").get(2).get("host").asText()));
        Set<String> types = new HashSet<>();
        for (JsonNode t : root.get("traces"))
            for (JsonNode h : t.get("hops"))
                for (JsonNode s : h.get("steps")) {
                    assertTrue(s.has("type"), s.toString());
                    types.add(s.get("type").asText());
                }
        assertTrue(types.containsAll(Set.of("Received", "HookRan", "RuleMatched", "Conntrack", "Rewrite", "Routed", "Neighbour",
                "Transmitted", "Delivered", "Generated")), types.toString());
        JsonNode rewrite = null;
        for (JsonNode s : syn.get("hops").get(1).get("steps")) if (s.get("type").asText().equals("Rewrite")) { rewrite = s; break; }
        assertNotNull(rewrite);
        assertEquals("DNAT", rewrite.get("kind").asText());
        assertEquals("10.0.2.10", rewrite.get("after").get("dst").asText());
        assertEquals(8080, rewrite.get("after").get("dport").asInt());
    }

    @Test
    void sameSeedSameRun() {
        String a = TraceJson.write(Fixtures.network(new MiniWalker(), Fixtures.client(), Fixtures.director(true), Fixtures.server())
                .run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))));
        String b = TraceJson.write(Fixtures.network(new MiniWalker(), Fixtures.client(), Fixtures.director(true), Fixtures.server())
                .run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))));
        assertEquals(a, b);
    }

    @Test
    void textRenderingShowsTheDecisions() {
        FlowResult r = Fixtures.network(new MiniWalker(), Fixtures.client(), Fixtures.director(true), Fixtures.server())
                .run(List.of(Fixtures.tcp("web", "client", "10.0.1.1:80"))).get(0);
        String text = io.fnlab.sim.explain.FlowWalk.render(r);
        assertTrue(text.startsWith("flow web"), text);
        assertTrue(text.contains("ESTABLISHED (response received)"), text);
        assertTrue(text.contains("served by    server listen tcp 0.0.0.0:8080"), text);
        assertTrue(text.contains("server sees  tcp 10.0.2.1:"), text);
        assertTrue(text.contains("[PREROUTING -100] nf_nat nf_nat_ipv4_pre_routing -> ACCEPT"), text);
        assertTrue(text.contains("REWRITE nf_nat DNAT: tcp 10.0.1.2:"), text);
    }
}
