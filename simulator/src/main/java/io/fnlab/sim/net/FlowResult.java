package io.fnlab.sim.net;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.sim.trace.Trace;
import java.util.List;

/**
 * How one client connection of a flow ended: the outcome and why, the tuple as the client sees
 * it (its address and port to the address it connected to), the tuple as the serving socket sees
 * it (remote to local; null when nobody served it), who served it, the response the client got,
 * the traces of every packet of the connection in the order they were sent, and whether a TCP
 * connection closed in both directions: the client got the server's FIN after its own (TIME_WAIT)
 * and the server got the last ACK of its FIN (LAST_ACK to CLOSED). Always false for UDP and ICMP,
 * and for a connection ended by a RST.
 */
public record FlowResult(String flow, String connection, Outcome outcome, String detail, FiveTuple clientView,
                         FiveTuple serverView, String servedByHost, String servedBySocket, String response,
                         List<Trace> traces, boolean closed) {
    public FlowResult {
        traces = List.copyOf(traces);
    }

    /** A result that says nothing about the close (the constructor before closed was added). */
    public FlowResult(String flow, String connection, Outcome outcome, String detail, FiveTuple clientView,
                      FiveTuple serverView, String servedByHost, String servedBySocket, String response,
                      List<Trace> traces) {
        this(flow, connection, outcome, detail, clientView, serverView, servedByHost, servedBySocket, response, traces,
                false);
    }
}
