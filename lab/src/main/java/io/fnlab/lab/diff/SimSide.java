package io.fnlab.lab.diff;

import io.fnlab.model.net.Protocol;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import java.util.ArrayList;
import java.util.List;

/** Runs a case in the simulator and reports it as the kernel side does. */
public final class SimSide {
    private SimSide() {}

    public static List<Observation> run(DiffCase c, long seed) {
        List<Traffic.Flow> flows = new ArrayList<>();
        for (Traffic t : c.scenario().traffic()) if (t instanceof Traffic.Flow f) flows.add(f);
        List<FlowResult> rs = network(c, seed).run(flows);
        List<Observation> out = new ArrayList<>();
        for (FlowResult r : rs) out.add(observe(r));
        return out;
    }

    /** The simulator's packet traces of a case's flows, as text (for a disagreement's report). */
    public static String traces(DiffCase c, long seed) {
        List<Traffic.Flow> flows = new ArrayList<>();
        for (Traffic t : c.scenario().traffic()) if (t instanceof Traffic.Flow f) flows.add(f);
        StringBuilder b = new StringBuilder();
        for (FlowResult r : network(c, seed).run(flows)) b.append(io.fnlab.sim.explain.FlowWalk.render(r)).append('\n');
        return b.toString();
    }

    /** The case's network, its clients giving up when the kernel side's probes do. */
    private static Network network(DiffCase c, long seed) {
        Network n = Network.of(c.scenario(), seed);
        n.clientTimeout(KernelSide.PROBE_TIMEOUT_MS);
        return n;
    }

    static Observation observe(FlowResult r) {
        Outcome o = r.outcome();
        String note = r.detail();
        // A client that answered a stranger's SYN-ACK with a RST reports TIMEOUT, as the probe's
        // connect() does; the RST itself is checked on the capture in the named cases.
        var cv = r.clientView();
        var sv = r.serverView();
        // the probe's UDP server is bound to INADDR_ANY and cannot tell a datagram's destination address
        boolean udp = cv != null && cv.protocol().equals(Protocol.UDP);
        return new Observation(r.flow(), o, cv == null ? null : cv.src().toString(), cv == null ? 0 : cv.sport(),
                r.response(), sv == null ? null : r.servedByHost(), sv == null ? null : sv.src().toString(),
                sv == null ? 0 : sv.sport(), sv == null ? null : (udp ? "0.0.0.0" : sv.dst().toString()),
                sv == null ? 0 : sv.dport(), note);
    }
}
