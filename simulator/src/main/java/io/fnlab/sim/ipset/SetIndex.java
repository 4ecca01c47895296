package io.fnlab.sim.ipset;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.IpSetIndex;
import io.fnlab.model.ipset.SetType;
import io.fnlab.sim.skb.SkBuff;
import java.util.List;

/**
 * xt_set's view of one ipset: it takes each dimension's number from the packet (the source or the
 * destination, as the match's flags say; ip_set_get_ip4_port for ports) and asks the set's
 * {@link IpSetIndex}, the same index `ipset test` uses. Lookups allocate nothing.
 */
public final class SetIndex {
    /** Results of {@link #lookup}: the same values as XtContext.IPSET_*. */
    public static final int ABSENT = IpSetIndex.ABSENT, MATCH = IpSetIndex.MATCH, NOMATCH = IpSetIndex.NOMATCH;

    private final IpSetIndex index;
    /** Per dimension: true for a PORT dimension (the rest are addresses). */
    private final boolean[] port;

    private SetIndex(IpSetIndex index) {
        this.index = index;
        List<SetType.Dim> dims = index.type().dims();
        port = new boolean[dims.size()];
        for (int i = 0; i < port.length; i++) port[i] = dims.get(i) == SetType.Dim.PORT;
    }

    public String name() {
        return index.name();
    }

    public SetType type() {
        return index.type();
    }

    /**
     * Tests the packet: the k-th flag says whether the k-th dimension is taken from the source
     * (true) or destination (false) of the packet. Fewer flags than dimensions never match
     * (ip_set_test: opt->dim &lt; set->type->dimension).
     */
    public int lookup(SkBuff skb, boolean[] srcFlags) {
        int n = port.length;
        if (srcFlags.length < n) return ABSENT;
        int d0 = 0, d1 = 0, d2 = 0;
        for (int i = 0; i < n; i++) {
            int d;
            if (port[i]) {
                d = protoPort(skb, srcFlags[i]);
                if (d < 0) return ABSENT;
            } else {
                d = srcFlags[i] ? skb.saddr : skb.daddr;
            }
            if (i == 0) d0 = d;
            else if (i == 1) d1 = d;
            else d2 = d;
        }
        return index.lookup(d0, d1, d2);
    }

    public boolean test(SkBuff skb, boolean[] srcFlags) {
        return lookup(skb, srcFlags) == MATCH;
    }

    /** Builds the index of a model set; ParseError for an entry the set type cannot hold. */
    public static SetIndex of(IpSet set) {
        return new SetIndex(IpSetIndex.of(set));
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
