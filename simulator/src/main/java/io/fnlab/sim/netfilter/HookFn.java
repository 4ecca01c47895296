package io.fnlab.sim.netfilter;

import io.fnlab.sim.skb.SkBuff;

/** One hook function, as the kernel's nf_hookfn. */
@FunctionalInterface
public interface HookFn {
    NfVerdict hook(SkBuff skb, HookState state);
}
