package io.fnlab.sim.verify;

import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * `fnlab diff`: two versions of a scenario's configuration run on the same traffic (the old
 * one's), with the same seed so that run-time choices match; every connection whose outcome,
 * serving host or translation changed is reported.
 */
public final class FlowDiff {
    /** One connection in both runs; changes lists what differs, empty when nothing does. */
    public record Change(String connection, FlowResult before, FlowResult after, List<String> changes) {}

    private FlowDiff() {}

    public static List<Change> diff(Scenario oldS, Scenario newS, long seed) {
        List<Traffic.Flow> flows = oldS.traffic().stream().filter(t -> t instanceof Traffic.Flow).map(t -> (Traffic.Flow) t).toList();
        for (Traffic.Flow f : flows) {
            if (newS.host(f.from()).isEmpty())
                throw new IllegalArgumentException("flow " + f.id() + " starts on host '" + f.from() + "', which " + newS.path() + " does not have");
        }
        Map<String, FlowResult> before = byConnection(Network.of(oldS, seed).run(flows));
        Map<String, FlowResult> after = byConnection(Network.of(newS, seed).run(flows));
        List<Change> out = new ArrayList<>();
        for (var e : before.entrySet()) {
            FlowResult a = e.getValue(), b = after.get(e.getKey());
            List<String> ch = new ArrayList<>();
            if (b == null) {
                ch.add("not run in the new version");
            } else {
                if (a.outcome() != b.outcome()) ch.add("outcome " + lower(a) + " -> " + lower(b));
                if (!Objects.equals(a.servedByHost(), b.servedByHost()))
                    ch.add("served by " + a.servedByHost() + " -> " + b.servedByHost());
                if (!Objects.equals(src(a), src(b))) ch.add("server sees " + src(a) + " -> " + src(b));
                if (!Objects.equals(a.serverView() == null ? null : a.serverView().dst(), b.serverView() == null ? null : b.serverView().dst()))
                    ch.add("server address " + (a.serverView() == null ? null : a.serverView().dst() + ":" + a.serverView().dport())
                            + " -> " + (b.serverView() == null ? null : b.serverView().dst() + ":" + b.serverView().dport()));
            }
            out.add(new Change(e.getKey(), a, b, ch));
        }
        return out;
    }

    private static String src(FlowResult r) {
        return r.serverView() == null ? null : r.serverView().src().toString();
    }

    private static String lower(FlowResult r) {
        return r.outcome().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, FlowResult> byConnection(List<FlowResult> rs) {
        Map<String, FlowResult> m = new LinkedHashMap<>();
        for (FlowResult r : rs) m.put(r.connection() == null ? r.flow() : r.connection(), r);
        return m;
    }
}
