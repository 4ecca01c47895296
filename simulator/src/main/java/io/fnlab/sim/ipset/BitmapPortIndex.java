package io.fnlab.sim.ipset;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.sim.skb.SkBuff;

/**
 * bitmap:port (ip_set_bitmap_port.c): one bit per port of the set's range. The entries carry no
 * protocol; a packet matches by its TCP or UDP port only (ip_set_get_ip_port accepts just those
 * two protocols), so kube-proxy keeps one set per protocol (KUBE-NODE-PORT-TCP/-UDP).
 */
final class BitmapPortIndex extends SetIndex {
    private final long[] bits = new long[1024];

    BitmapPortIndex(IpSet set) {
        super(set.name(), SetType.BITMAP_PORT);
        for (SetEntry e : set.entries()) {
            if (e.elems().size() != 1 || !(e.elems().get(0) instanceof SetElem.Port p))
                throw new ParseError(new SourceRef("ipset " + set.name(), 0, 0),
                        "bitmap:port entries are single ports, got " + e.elems());
            if (e.nomatch())
                throw new ParseError(new SourceRef("ipset " + set.name(), 0, 0), "bitmap:port does not support nomatch");
            bits[p.port() >>> 6] |= 1L << p.port();
        }
    }

    @Override
    public int lookup(SkBuff skb, boolean[] srcFlags) {
        if (srcFlags.length < 1 || skb.fragment || (skb.protocol != 6 && skb.protocol != 17)) return ABSENT;
        int port = (srcFlags[0] ? skb.sport : skb.dport) & 0xffff;
        return (bits[port >>> 6] & (1L << port)) != 0 ? MATCH : ABSENT;
    }
}
