package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.Hook;

/** struct nf_hook_state: which hook, the in and out devices (null when none). */
public record HookState(Hook hook, String in, String out) {
}
