package io.fnlab.model.netfilter;

import java.util.List;

/**
 * A chain. Built-in chains have a policy (ACCEPT or DROP); user chains have {@code policy == null}.
 */
public record Chain(String name, Policy policy, Counters counters, List<Rule> rules) {
    public enum Policy { ACCEPT, DROP }

    public Chain {
        rules = List.copyOf(rules);
        if (counters == null) counters = Counters.ZERO;
    }

    public boolean isBuiltin() {
        return policy != null;
    }
}
