package io.fnlab.model.ipset;

import io.fnlab.model.net.Protocol;
import java.util.List;

/**
 * The kernel side of one ipset: a membership index built once from the set's entries and probed
 * with primitives (the set type's test, net/netfilter/ipset/ip_set_*.c), allocating nothing. The
 * one index behind both `ipset test` (a key shaped like the entries) and xt_set (a packet's
 * fields, taken by the simulator).
 *
 * <p>A lookup gets one number per dimension: an address for IP and NET dimensions, protocol
 * &lt;&lt; 16 | port for a PORT dimension (ICMP: type &lt;&lt; 8 | code; other protocols port 0, as
 * ip_set_get_ip4_port gives them). Dimensions a type does not have are ignored.
 */
public sealed interface IpSetIndex permits HashSetIndex, BitmapPortSetIndex {
    /** Lookup results: absent, a member, or a member added with nomatch (hash:*net* only). */
    int ABSENT = 0, MATCH = 1, NOMATCH = 2;

    String name();

    SetType type();

    /** ABSENT, MATCH or NOMATCH for the key (d0, d1, d2), one number per dimension in order. */
    int lookup(int d0, int d1, int d2);

    /**
     * mtype_test with a network that is not a host: the entry of exactly that prefix length in the
     * net dimension, no longest-prefix search. Types without a net dimension answer as {@link #lookup}.
     */
    int lookupExact(int d0, int d1, int d2, int netLen);

    /**
     * Builds the index of a set; ParseError (naming the set) for an entry its type cannot hold.
     * An IP dimension given as a CIDR adds every address in it, as ipset does.
     */
    static IpSetIndex of(IpSet set) {
        return set.type() == SetType.BITMAP_PORT ? new BitmapPortSetIndex(set) : new HashSetIndex(set);
    }

    /** hash:ip and hash:net: is the address in the set? */
    default boolean contains(int addr) {
        need(1);
        return lookup(addr, 0, 0) == MATCH;
    }

    /** hash:ip,port and hash:net,port; bitmap:port ignores addr. */
    default boolean contains(int addr, int proto, int port) {
        int pp = proto << 16 | port & 0xffff;
        if (type() == SetType.BITMAP_PORT) return lookup(pp, 0, 0) == MATCH;
        need(2);
        return lookup(addr, pp, 0) == MATCH;
    }

    /** hash:ip,port,ip and hash:ip,port,net. */
    default boolean contains(int addr, int proto, int port, int addr2) {
        need(3);
        return lookup(addr, proto << 16 | port & 0xffff, addr2) == MATCH;
    }

    /** bitmap:port: only TCP and UDP packets carry a port it matches (bitmap_port.c via ip_set_get_ip_port). */
    default boolean containsPort(int proto, int port) {
        if (type() != SetType.BITMAP_PORT) throw new IllegalArgumentException(type().label() + " is not bitmap:port");
        return lookup(proto << 16 | port & 0xffff, 0, 0) == MATCH;
    }

    /**
     * Membership of a key shaped like the set's entries, as `ipset test` asks it: an address
     * dimension takes the key's address, a port without protocol is TCP's (ipset's default), and
     * bitmap:port's entries carry no protocol at all. A net dimension given with a CIDR below 32
     * must be that very entry; given as an address, the longest stored prefix decides.
     */
    default boolean contains(List<SetElem> key) {
        List<SetType.Dim> dims = type().dims();
        if (key.size() != dims.size())
            throw new IllegalArgumentException(type().label() + " keys have " + dims.size() + " parts, got " + key);
        int[] d = new int[3];
        int netLen = 32;
        for (int i = 0; i < dims.size(); i++) {
            SetElem e = key.get(i);
            if (dims.get(i) == SetType.Dim.PORT) {
                if (!(e instanceof SetElem.Port p)) throw new IllegalArgumentException("part " + (i + 1) + " is a port, got " + e);
                Protocol pr = p.protocol() == null || type() == SetType.BITMAP_PORT ? Protocol.TCP : p.protocol();
                d[i] = pr.number() << 16 | p.port();
            } else {
                if (!(e instanceof SetElem.Net n)) throw new IllegalArgumentException("part " + (i + 1) + " is an address, got " + e);
                d[i] = n.prefix().address().bits();
                if (dims.get(i) == SetType.Dim.NET) netLen = n.prefix().length();
            }
        }
        // mtype_test: a net part given with a CIDR below 32 is looked up exactly, an address by longest prefix
        if (netLen < 32) return lookupExact(d[0], d[1], d[2], netLen) == MATCH;
        return lookup(d[0], d[1], d[2]) == MATCH;
    }

    private void need(int n) {
        if (type().dims().size() != n)
            throw new IllegalArgumentException(type().label() + " has " + type().dims().size() + " dimensions, not " + n);
    }
}
