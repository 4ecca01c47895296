package io.fnlab.sim.ipset;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.sim.skb.SkBuff;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A host's ipsets in runtime form, by name: what a host's XtContext.ipsetTest/ipsetLookup/
 * ipsetExists call. Timeouts are ignored (the sets are a snapshot: every listed entry is live).
 */
public final class IpsetRegistry {
    public static final IpsetRegistry EMPTY = new IpsetRegistry(java.util.List.of());

    private final Map<String, SetIndex> sets = new HashMap<>();

    /** Builds every set; throws ParseError for an entry its type cannot hold. */
    public IpsetRegistry(Collection<IpSet> model) {
        for (IpSet s : model) sets.put(s.name(), SetIndex.of(s));
    }

    public boolean exists(String set) {
        return sets.containsKey(set);
    }

    public SetIndex get(String set) {
        return sets.get(set);
    }

    /** xt_set's test: true when the packet, dimension k taken from src when srcFlags[k], is in the set. */
    public boolean test(String set, SkBuff skb, boolean[] srcFlags) {
        SetIndex s = sets.get(set);
        return s != null && s.lookup(skb, srcFlags) == SetIndex.MATCH;
    }

    /** As {@link #test} but telling a nomatch entry apart: SetIndex.ABSENT, MATCH or NOMATCH. */
    public int lookup(String set, SkBuff skb, boolean[] srcFlags) {
        SetIndex s = sets.get(set);
        return s == null ? SetIndex.ABSENT : s.lookup(skb, srcFlags);
    }
}
