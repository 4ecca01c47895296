package io.fnlab.model.format.iptables;

import io.fnlab.model.netfilter.Ruleset;

/**
 * The kernel's iptables state as commands change it: tables with mutable chains. STUB: owned by
 * the iptables format work; replaced there.
 */
public final class IptablesState {
    public Ruleset toRuleset() {
        return Ruleset.EMPTY;
    }
}
