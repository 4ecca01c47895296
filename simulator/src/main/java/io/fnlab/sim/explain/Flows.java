package io.fnlab.sim.explain;

import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import java.util.ArrayList;
import java.util.List;

/** Running one flow of a scenario (or an ad-hoc one) on a fresh network, for explaining it. */
public final class Flows {
    /** The seed explanations use, so that the same command always prints the same ports and picks. */
    public static final long SEED = 1;

    private Flows() {}

    /** The scenario's flows, in file order. */
    public static List<Traffic.Flow> flows(Scenario s) {
        List<Traffic.Flow> l = new ArrayList<>();
        for (Traffic t : s.traffic()) if (t instanceof Traffic.Flow f) l.add(f);
        return l;
    }

    /**
     * Runs the scenario's flows up to and including the one with this id (null: the first), so
     * that earlier flows leave the state (conntrack, IPVS connections, scheduler position) they
     * leave in the scenario, and returns the first connection of that flow.
     */
    public static FlowResult runScenarioFlow(Scenario s, String id) {
        return runScenarioFlow(s, id, SEED);
    }

    /** As {@link #runScenarioFlow(Scenario, String)} with the seed of the run-time random choices. */
    public static FlowResult runScenarioFlow(Scenario s, String id, long seed) {
        List<Traffic.Flow> all = flows(s);
        if (all.isEmpty()) throw new IllegalArgumentException("scenario " + s.name() + " has no traffic");
        List<Traffic.Flow> run = new ArrayList<>();
        Traffic.Flow target = null;
        for (Traffic.Flow f : all) {
            run.add(f);
            if (id == null || f.id().equals(id)) {
                target = f;
                break;
            }
        }
        if (target == null) {
            List<String> ids = all.stream().map(Traffic.Flow::id).toList();
            throw new IllegalArgumentException("scenario " + s.name() + " has no flow '" + id + "' (it has " + ids + ")");
        }
        List<FlowResult> results = Network.of(s, seed).run(run);
        for (FlowResult r : results) if (r.flow().equals(target.id())) return r;
        throw new IllegalStateException("flow " + target.id() + " produced no connection");
    }

    /** An ad-hoc flow: one connection from a host to an address and port, with a request and a close. */
    public static Traffic.Flow adHoc(String from, Protocol proto, Endpoint to, Integer sport) {
        return new Traffic.Flow("trace", from, proto, to, sport, "GET / HTTP/1.1", true, 1, 0,
                new SourceRef("<command line>", 0, 0));
    }

    /** Runs one ad-hoc flow on a fresh network of the scenario. */
    public static FlowResult run(Scenario s, Traffic.Flow f) {
        return run(s, f, SEED);
    }

    /** As {@link #run(Scenario, Traffic.Flow)} with the seed of the run-time random choices. */
    public static FlowResult run(Scenario s, Traffic.Flow f, long seed) {
        if (s.host(f.from()).isEmpty())
            throw new IllegalArgumentException("scenario " + s.name() + " has no host '" + f.from() + "' (it has "
                    + s.hosts().stream().map(h -> h.name()).toList() + ")");
        return Network.of(s, seed).run(List.of(f)).get(0);
    }
}
