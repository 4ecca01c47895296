package io.fnlab.sim.ipset;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetType;
import io.fnlab.sim.skb.SkBuff;

/**
 * The kernel side of one ipset: a membership index built from the model set and probed by
 * packets (the set type's kadt test, net/netfilter/ipset/ip_set_*.c). Lookups allocate nothing.
 */
public abstract class SetIndex {
    /** Results of {@link #lookup}: the same values as XtContext.IPSET_*. */
    public static final int ABSENT = 0, MATCH = 1, NOMATCH = 2;

    private final String name;
    private final SetType type;

    SetIndex(String name, SetType type) {
        this.name = name;
        this.type = type;
    }

    public String name() {
        return name;
    }

    public SetType type() {
        return type;
    }

    /**
     * Tests the packet: the k-th flag says whether the k-th dimension is taken from the source
     * (true) or destination (false) of the packet. Fewer flags than dimensions never match
     * (ip_set_test: opt->dim &lt; set->type->dimension).
     */
    public abstract int lookup(SkBuff skb, boolean[] srcFlags);

    public final boolean test(SkBuff skb, boolean[] srcFlags) {
        return lookup(skb, srcFlags) == MATCH;
    }

    /** Builds the index of a model set; ParseError for an entry the set type cannot hold. */
    public static SetIndex of(IpSet set) {
        return set.type() == SetType.BITMAP_PORT ? new BitmapPortIndex(set) : new HashIndex(set);
    }

    /**
     * ip_set_get_ip4_port: protocol &lt;&lt; 16 | port of the packet's src or dst, or -1 when there is
     * none to take (a non-first fragment of a protocol with ports). ICMP gives type &lt;&lt; 8 | code
     * whatever the flag; other protocols port 0.
     */
    static int protoPort(SkBuff skb, boolean src) {
        int p = skb.protocol;
        switch (p) {
            case 6, 17, 132, 136:
                if (skb.fragment) return -1;
                return p << 16 | ((src ? skb.sport : skb.dport) & 0xffff);
            case 1:
                if (skb.fragment) return -1;
                return p << 16 | (skb.dport & 0xffff);
            case 0:
                return -1; // ip_set_get_ip4_port: protocol <= 0
            default:
                return p << 16;
        }
    }
}
