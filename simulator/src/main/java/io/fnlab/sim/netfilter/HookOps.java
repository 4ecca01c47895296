package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.Hook;

/**
 * struct nf_hook_ops: a function registered at a hook with a priority. owner names who
 * registered it ("iptable_nat", "nf_conntrack", "ip_vs") and fn the function, as
 * `fnlab explain --hooks` prints them.
 */
public record HookOps(Hook hook, int priority, String owner, String function, HookFn fn) {
}
