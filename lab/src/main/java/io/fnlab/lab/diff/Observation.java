package io.fnlab.lab.diff;

import io.fnlab.model.scenario.Outcome;

/**
 * What one side saw of one flow. Client: the outcome, its local address and port (meaningful when
 * established) and the response. Server (null host when no server took the connection or
 * datagram): who, the source address and port it saw, and its local address and port (0.0.0.0
 * for a UDP server bound to any address: the probe cannot tell the datagram's destination).
 * note: how the side came to this (the simulator's detail, the probe's JSON line).
 */
public record Observation(String flow, Outcome outcome, String clientAddr, int clientPort, String response,
                          String serverHost, String serverSrc, int serverSport, String serverDst, int serverDport,
                          String note) {
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(flow).append(": ").append(outcome);
        if (outcome == Outcome.ESTABLISHED) b.append(" client ").append(clientAddr).append(':').append(clientPort)
                .append(" response \"").append(response).append('"');
        if (serverHost != null) b.append(" served by ").append(serverHost).append(" seeing ").append(serverSrc).append(':')
                .append(serverSport).append(" -> ").append(serverDst).append(':').append(serverDport);
        else b.append(" served by nobody");
        if (note != null && !note.isBlank()) b.append("  [").append(note).append(']');
        return b.toString();
    }
}
