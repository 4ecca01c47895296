package io.fnlab.model.ipset;

import io.fnlab.model.net.Prefix;
import java.util.List;

/**
 * Fast membership test for one set, as the kernel's `-m set` match asks it
 * (net/netfilter/ipset/ip_set_hash_gen.h mtype_test / mtype_test_cidrs, bitmap_port.c).
 * Built once per set; a lookup hashes primitives into an open-addressing table and allocates
 * nothing.
 *
 * <p>Semantics: IP and PORT dimensions match exactly; a NET dimension is tried from the longest
 * prefix length present in the set to the shortest, and the first stored prefix that contains
 * the address decides: a `nomatch` entry there means "not in the set" (shorter prefixes are not
 * consulted). The port dimension is (protocol, port): for TCP/UDP/SCTP/UDPLITE the transport
 * port, for ICMP type&lt;&lt;8|code, for other protocols 0 (ip_set_get_ip4_port). bitmap:port
 * ignores the protocol but only TCP, UDP, SCTP and UDPLITE packets carry a port it can match.
 */
public final class IpSetIndex {
    private final SetType type;
    /** NET dimension prefix lengths present, longest first. */
    private final int[] cidrs;
    private long[] k1;
    private int[] k2;
    private byte[] val; // 0 empty, 1 match, 2 nomatch
    private int mask;
    private final long[] bitmap;

    private IpSetIndex(SetType type, int[] cidrs, int capacity) {
        this.type = type;
        this.cidrs = cidrs;
        if (type == SetType.BITMAP_PORT) {
            bitmap = new long[1024];
            return;
        }
        bitmap = null;
        int cap = 16;
        while (cap < capacity * 2) cap <<= 1;
        k1 = new long[cap];
        k2 = new int[cap];
        val = new byte[cap];
        mask = cap - 1;
    }

    public static IpSetIndex of(IpSet set) {
        SetType t = set.type();
        int netDim = t.dims().indexOf(SetType.Dim.NET);
        boolean[] seen = new boolean[33];
        if (netDim >= 0)
            for (SetEntry e : set.entries()) seen[((SetElem.Net) e.elems().get(netDim)).prefix().length()] = true;
        int n = 0;
        for (boolean b : seen) if (b) n++;
        int[] cidrs = new int[n];
        for (int len = 32, i = 0; len >= 0; len--) if (seen[len]) cidrs[i++] = len;
        IpSetIndex x = new IpSetIndex(t, cidrs, set.entries().size());
        for (SetEntry e : set.entries()) x.put(e);
        return x;
    }

    public SetType type() {
        return type;
    }

    private static int addr(SetElem e) {
        return ((SetElem.Net) e).prefix().address().bits();
    }

    private static int len(SetElem e) {
        return ((SetElem.Net) e).prefix().length();
    }

    private static long pp(SetElem e) {
        SetElem.Port p = (SetElem.Port) e;
        return ((long) p.protocol().number() << 16) | p.port();
    }

    private void put(SetEntry e) {
        List<SetElem> el = e.elems();
        byte v = (byte) (e.nomatch() ? 2 : 1);
        switch (type) {
            case BITMAP_PORT -> {
                int p = ((SetElem.Port) el.get(0)).port();
                bitmap[p >>> 6] |= 1L << (p & 63);
            }
            case HASH_IP -> insert(u(addr(el.get(0))), 0, v);
            case HASH_NET -> insert(netKey(addr(el.get(0)), len(el.get(0))), 0, v);
            case HASH_IP_PORT -> insert((u(addr(el.get(0))) << 24) | pp(el.get(1)), 0, v);
            case HASH_NET_PORT -> insert((netKey(addr(el.get(0)), len(el.get(0))) << 24) | pp(el.get(1)), 0, v);
            case HASH_IP_PORT_IP -> insert((u(addr(el.get(0))) << 24) | pp(el.get(1)), addr(el.get(2)), v);
            case HASH_IP_PORT_NET -> insert(((long) len(el.get(2)) << 56) | (u(addr(el.get(0))) << 24) | pp(el.get(1)),
                    addr(el.get(2)) & Prefix.maskOf(len(el.get(2))), v);
        }
    }

    private static long u(int a) {
        return a & 0xffffffffL;
    }

    /** 32 bits of masked address above 6 bits of prefix length. */
    private static long netKey(int addr, int len) {
        return (u(addr & Prefix.maskOf(len)) << 6) | len;
    }

    private static int hash(long a, int b) {
        long h = a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    private void insert(long a, int b, byte v) {
        int i = hash(a, b) & mask;
        while (val[i] != 0) {
            if (k1[i] == a && k2[i] == b) {
                val[i] = v;
                return;
            }
            i = (i + 1) & mask;
        }
        k1[i] = a;
        k2[i] = b;
        val[i] = v;
    }

    /** 0 absent, 1 match, 2 nomatch. */
    private int find(long a, int b) {
        int i = hash(a, b) & mask;
        while (val[i] != 0) {
            if (k1[i] == a && k2[i] == b) return val[i];
            i = (i + 1) & mask;
        }
        return 0;
    }

    private boolean viaCidrs(long rest, int addr, boolean portKey) {
        for (int len : cidrs) {
            long key = portKey ? (netKey(addr, len) << 24) | rest : netKey(addr, len);
            int r = find(key, 0);
            if (r != 0) return r == 1;
        }
        return false;
    }

    /** hash:ip and hash:net: is the address in the set? */
    public boolean contains(int addr) {
        return switch (type) {
            case HASH_IP -> find(u(addr), 0) == 1;
            case HASH_NET -> viaCidrs(0, addr, false);
            default -> throw new IllegalArgumentException(type.label() + " has more than one dimension");
        };
    }

    /** hash:ip,port and hash:net,port; bitmap:port ignores addr. */
    public boolean contains(int addr, int proto, int port) {
        long pp = ((long) proto << 16) | port;
        return switch (type) {
            case HASH_IP_PORT -> find((u(addr) << 24) | pp, 0) == 1;
            case HASH_NET_PORT -> viaCidrs(pp, addr, true);
            case BITMAP_PORT -> containsPort(proto, port);
            default -> throw new IllegalArgumentException(type.label() + " does not take (addr, proto, port)");
        };
    }

    /** hash:ip,port,ip and hash:ip,port,net. */
    public boolean contains(int addr, int proto, int port, int addr2) {
        long base = (u(addr) << 24) | ((long) proto << 16) | port;
        return switch (type) {
            case HASH_IP_PORT_IP -> find(base, addr2) == 1;
            case HASH_IP_PORT_NET -> {
                for (int len : cidrs) {
                    int r = find(((long) len << 56) | base, addr2 & Prefix.maskOf(len));
                    if (r != 0) yield r == 1;
                }
                yield false;
            }
            default -> throw new IllegalArgumentException(type.label() + " does not take (addr, proto, port, addr2)");
        };
    }

    /** bitmap:port: tcp, udp, sctp and udplite ports (bitmap_port.c bitmap_port_kadt via ip_set_get_ip_port). */
    public boolean containsPort(int proto, int port) {
        if (type != SetType.BITMAP_PORT) throw new IllegalArgumentException(type.label() + " is not bitmap:port");
        if (proto != 6 && proto != 17 && proto != 132 && proto != 136) return false;
        if (port < 0 || port > 65535) return false;
        return (bitmap[port >>> 6] & (1L << (port & 63))) != 0;
    }

    /** Membership of a key shaped like the set's entries (as `ipset test` asks it). */
    public boolean contains(List<SetElem> key) {
        switch (type) {
            case BITMAP_PORT:
                return containsPort(6, ((SetElem.Port) key.get(0)).port());
            case HASH_IP:
            case HASH_NET:
                return contains(addr(key.get(0)));
            case HASH_IP_PORT:
            case HASH_NET_PORT: {
                SetElem.Port p = (SetElem.Port) key.get(1);
                return contains(addr(key.get(0)), p.protocol().number(), p.port());
            }
            default: {
                SetElem.Port p = (SetElem.Port) key.get(1);
                return contains(addr(key.get(0)), p.protocol().number(), p.port(), addr(key.get(2)));
            }
        }
    }
}
