package io.fnlab.sim.host;

import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Table;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.netfilter.XtContext;
import io.fnlab.sim.skb.SkBuff;

/**
 * ipt_do_table: walk a table's built-in chain for this hook. The netfilter package provides the
 * real walker; {@link PolicyOnlyWalker} stands in until then. NAT targets call
 * {@link XtContext#natTarget}; the walker never registers hooks itself.
 */
@FunctionalInterface
public interface TableWalker {
    NfVerdict walk(Table table, Hook hook, SkBuff skb, HookState state, XtContext ctx);

    /** Walks nothing: for a host whose real walker is set right after construction. */
    TableWalker PLACEHOLDER = (table, hook, skb, state, ctx) -> {
        throw new IllegalStateException("no table walker set on this host");
    };

    /** The netfilter package's ipt_do_table over a host's compiled tables. */
    static TableWalker of(io.fnlab.sim.netfilter.XtTables tables) {
        return (table, hook, skb, state, ctx) -> tables.walk(table.name(), hook, skb, state, ctx);
    }
}
