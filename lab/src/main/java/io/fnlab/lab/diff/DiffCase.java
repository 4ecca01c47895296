package io.fnlab.lab.diff;

import io.fnlab.model.scenario.Scenario;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One differential case: the scenario YAML (which the simulator reads with ScenarioReader), the
 * shell each host's namespace runs (the same route, sysctl and iptables-save text), the flows in
 * the order they run, and the port numbers the configuration names (compared literally; every
 * other port is a run-time choice, a variable for {@link Unifier}).
 */
public record DiffCase(String name, String yaml, Scenario scenario, Map<String, String> setup, List<Flow> flows,
                       Set<Integer> constantPorts) {
    public DiffCase {
        setup = Map.copyOf(setup);
        flows = List.copyOf(flows);
        constantPorts = Set.copyOf(constantPorts);
    }

    /** A client connection; request is unique in the case, so the server's log says which flow it was. */
    public record Flow(String id, String from, String proto, String address, int port, int sport, String request) {}

    /** The scenario and each host's setup, for people reading a disagreement. */
    public String dump() {
        StringBuilder b = new StringBuilder("# case ").append(name).append('\n').append(yaml);
        if (!yaml.endsWith("\n")) b.append('\n');
        b.append("# lab setup per host (run with sh in the host's namespace)\n");
        setup.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            b.append("## ").append(e.getKey()).append('\n');
            e.getValue().lines().forEach(l -> b.append("##   ").append(l).append('\n'));
        });
        return b.toString();
    }
}
