package io.fnlab.sim.host;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Table;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.netfilter.XtContext;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;

/**
 * A stand-in walker that ignores rules and applies the built-in chain's policy. It says so in the
 * trace when a chain has rules, so that nobody mistakes its verdict for the real one.
 */
public final class PolicyOnlyWalker implements TableWalker {
    @Override
    public NfVerdict walk(Table table, Hook hook, SkBuff skb, HookState state, XtContext ctx) {
        Chain c = table.chain(hook.name()).orElse(null);
        if (c == null) return NfVerdict.ACCEPT;
        if (ctx.tracer().on()) {
            if (!c.rules().isEmpty())
                ctx.tracer().step(new Step.NotModelled("rules", table.name().label() + " " + c.name() + " has "
                        + c.rules().size() + " rules; the policy-only walker skipped them"));
            ctx.tracer().step(new Step.PolicyApplied(table.name().label(), c.name(), c.policy().name()));
        }
        return c.policy() == Chain.Policy.DROP ? NfVerdict.DROP : NfVerdict.ACCEPT;
    }
}
