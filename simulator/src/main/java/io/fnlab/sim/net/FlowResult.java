package io.fnlab.sim.net;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.sim.trace.Trace;
import java.util.List;

/**
 * How one client connection of a flow ended: the outcome and why, the tuple as the client sees
 * it (its address and port to the address it connected to), the tuple as the serving socket sees
 * it (remote to local; null when nobody served it), who served it, the response the client got,
 * and the traces of every packet of the connection in the order they were sent.
 */
public record FlowResult(String flow, String connection, Outcome outcome, String detail, FiveTuple clientView,
                         FiveTuple serverView, String servedByHost, String servedBySocket, String response,
                         List<Trace> traces) {
    public FlowResult {
        traces = List.copyOf(traces);
    }
}
