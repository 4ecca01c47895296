package io.fnlab.sim.net;

import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import io.fnlab.sim.trace.Tracer;
import java.util.ArrayList;
import java.util.List;

/** One packet's trace while it is being built: a hop per host it visits, in order. */
final class PacketTrace {
    final String id;
    final String flow;
    private final List<String> hopHosts = new ArrayList<>();
    private final List<String> hopPackets = new ArrayList<>();
    private final List<List<Step>> hopSteps = new ArrayList<>();
    String disposition = "in flight";

    PacketTrace(String id, String flow) {
        this.id = id;
        this.flow = flow;
    }

    /** A tracer that writes to this packet's hop on host, opening a new hop when the packet moved. */
    Tracer on(String host, String packet) {
        if (hopHosts.isEmpty() || !hopHosts.get(hopHosts.size() - 1).equals(host)) {
            hopHosts.add(host);
            hopPackets.add(packet);
            hopSteps.add(new ArrayList<>());
        }
        List<Step> steps = hopSteps.get(hopSteps.size() - 1);
        return new Tracer() {
            public boolean on() {
                return true;
            }

            public void step(Step s) {
                steps.add(s);
            }
        };
    }

    Trace toTrace() {
        List<Hop> hops = new ArrayList<>();
        for (int i = 0; i < hopHosts.size(); i++) hops.add(new Hop(hopHosts.get(i), hopPackets.get(i), hopSteps.get(i)));
        return new Trace(flow == null ? id : flow + " " + id, hops, disposition);
    }
}
