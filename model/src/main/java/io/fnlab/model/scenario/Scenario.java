package io.fnlab.model.scenario;

import java.util.List;
import java.util.Optional;

/**
 * A whole scenario: hosts on segments, their configs, listening servers, traffic and what the
 * author expects. teaches says what it shows; expectedVerdict is "holds" or "fails" (the suite
 * checks library scenarios against it). path is the file it was read from. expectedCauses: for a
 * "fails" scenario, the root causes its findings must name (empty for "holds").
 */
public record Scenario(String name, String description, String teaches, String expectedVerdict,
                       List<Segment> segments, List<Host> hosts, List<Server> servers, List<Traffic> traffic,
                       List<Expectation> expectations, String path, List<ExpectedCause> expectedCauses) {
    public Scenario {
        expectedCauses = List.copyOf(expectedCauses);
        segments = List.copyOf(segments);
        hosts = List.copyOf(hosts);
        servers = List.copyOf(servers);
        traffic = List.copyOf(traffic);
        expectations = List.copyOf(expectations);
    }

    /** The constructor before expectedCauses was added (kept so that existing callers compile). */
    public Scenario(String name, String description, String teaches, String expectedVerdict, List<Segment> segments,
                    List<Host> hosts, List<Server> servers, List<Traffic> traffic, List<Expectation> expectations,
                    String path) {
        this(name, description, teaches, expectedVerdict, segments, hosts, servers, traffic, expectations, path,
                List.of());
    }

    public Optional<Host> host(String n) {
        return hosts.stream().filter(h -> h.name().equals(n)).findFirst();
    }
}
