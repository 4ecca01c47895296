package io.fnlab.sim.netfilter;

import io.fnlab.sim.skb.SkBuff;

/**
 * A compiled xt_* match: the runtime form of one io.fnlab.model.netfilter.match.Match record,
 * with everything a packet does not change (masks, bit sets, flag arrays) computed at load time
 * so that {@link #matches} allocates nothing. Mirrors struct xt_match's .match function.
 */
abstract class XtMatch {
    /** True when the packet matches (negation already applied, as the kernel's xt_*_mt does). */
    abstract boolean matches(SkBuff skb, HookState state, XtContext ctx);

    /** Fragment offset != 0 (par->fragoff): port and ICMP matches never match such a packet. */
    static boolean nonFirstFragment(SkBuff skb) {
        return skb.fragment;
    }
}
