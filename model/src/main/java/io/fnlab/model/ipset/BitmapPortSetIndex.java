package io.fnlab.model.ipset;

import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;

/**
 * bitmap:port (ip_set_bitmap_port.c): one bit per port of the set's range. The entries carry no
 * protocol; a packet matches by its TCP or UDP port only (ip_set_get_ip_port accepts just those
 * two protocols), so kube-proxy keeps one set per protocol (KUBE-NODE-PORT-TCP/-UDP).
 */
final class BitmapPortSetIndex implements IpSetIndex {
    private final String name;
    private final long[] bits = new long[1024];

    BitmapPortSetIndex(IpSet set) {
        name = set.name();
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
    public String name() {
        return name;
    }

    @Override
    public SetType type() {
        return SetType.BITMAP_PORT;
    }

    /** d0 is protocol &lt;&lt; 16 | port. */
    @Override
    public int lookup(int d0, int d1, int d2) {
        int proto = d0 >>> 16, port = d0 & 0xffff;
        if (proto != 6 && proto != 17) return ABSENT;
        return (bits[port >>> 6] & (1L << port)) != 0 ? MATCH : ABSENT;
    }

    @Override
    public int lookupExact(int d0, int d1, int d2, int netLen) {
        return lookup(d0, d1, d2); // no net dimension
    }
}
