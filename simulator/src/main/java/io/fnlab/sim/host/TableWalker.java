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
}
