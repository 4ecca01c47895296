package io.fnlab.model.scenario;

import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.parse.SourceRef;

/** What the scenario's author says must hold; checked against the simulation's traces. */
public sealed interface Expectation {
    String flow();

    SourceRef source();

    /** The flow ends this way. */
    record FlowOutcome(String flow, Outcome outcome, SourceRef source) implements Expectation {}

    /** The server side of the flow sees this client address (e.g. the director's, for fullnat). */
    record ServerSeesSource(String flow, Ipv4 client, SourceRef source) implements Expectation {}

    /** The flow is answered by this host (a real server, for load balancing checks). */
    record ServedBy(String flow, String host, Endpoint server, SourceRef source) implements Expectation {}
}
