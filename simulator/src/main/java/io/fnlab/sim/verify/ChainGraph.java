package io.fnlab.sim.verify;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.targets.Goto;
import io.fnlab.model.netfilter.targets.Jump;
import java.util.HashSet;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.traverse.BreadthFirstIterator;

/**
 * The jump graph of one table: chains as vertices, -j/-g as edges. A chain that cannot be reached
 * from a built-in chain never sees a packet, so nothing it does (MARK, MASQUERADE) ever happens.
 */
final class ChainGraph {
    private final Table table;
    private final Graph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
    private final Set<String> reachable = new HashSet<>();

    ChainGraph(Table table) {
        this.table = table;
        for (Chain c : table.chains()) graph.addVertex(c.name());
        for (Chain c : table.chains()) {
            for (Rule r : c.rules()) {
                String to = target(r);
                if (to != null && graph.containsVertex(to)) graph.addEdge(c.name(), to);
            }
        }
        for (Chain c : table.chains()) {
            if (!c.isBuiltin()) continue;
            new BreadthFirstIterator<>(graph, c.name()).forEachRemaining(reachable::add);
        }
    }

    static String target(Rule r) {
        if (r.target() instanceof Jump j) return j.chain();
        if (r.target() instanceof Goto g) return g.chain();
        return null;
    }

    Table table() {
        return table;
    }

    boolean reachable(String chain) {
        return reachable.contains(chain);
    }

    /** Chains with at least one rule jumping to them. */
    boolean referenced(String chain) {
        return graph.containsVertex(chain) && graph.inDegreeOf(chain) > 0;
    }
}
