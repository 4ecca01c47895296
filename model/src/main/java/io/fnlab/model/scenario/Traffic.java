package io.fnlab.model.scenario;

import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.SourceRef;

/**
 * Traffic a scenario runs. A flow has an id that expectations and reports refer to; repeat opens
 * that many connections one after another (each with the next ephemeral port).
 */
public sealed interface Traffic {
    String id();

    SourceRef source();

    /** A client connection: TCP handshake, request, response, close; UDP request/response. */
    record Flow(String id, String from, Protocol protocol, Endpoint to, Integer sourcePort, String request,
                boolean close, int repeat, long startMillis, SourceRef source) implements Traffic {}
}
