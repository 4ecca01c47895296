package io.fnlab.model.netfilter.match;

import java.util.Set;

/** xt_state (the older -m state --state). */
public record StateMatch(Set<CtState> states, boolean negated) implements Match {
    public StateMatch {
        states = Set.copyOf(states);
    }

    public String module() {
        return "state";
    }
}
