package io.fnlab.model.netfilter;

import java.util.List;
import java.util.Optional;

/** A table and its chains, built-in ones first in kernel order, then user chains. */
public record Table(TableName name, List<Chain> chains) {
    public Table {
        chains = List.copyOf(chains);
    }

    public Optional<Chain> chain(String n) {
        for (Chain c : chains) if (c.name().equals(n)) return Optional.of(c);
        return Optional.empty();
    }

    /** A table as a freshly loaded kernel module has it: built-in chains, policy ACCEPT, no rules. */
    public static Table empty(TableName t) {
        return new Table(t, t.builtinChains().stream()
                .map(c -> new Chain(c, Chain.Policy.ACCEPT, Counters.ZERO, List.of())).toList());
    }
}
