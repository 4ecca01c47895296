package io.fnlab.model.ipset;

import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.TreeSet;

/**
 * The hash:* types fnlab models (ip_set_hash_gen.h and ip_set_hash_*.c). An entry is a key of up
 * to three components packed into two longs: k1 = first dimension, k2 = port | third dimension
 * &lt;&lt; 24 (the second dimension is a port in every multi-dimension type). A NET dimension is
 * (network &lt;&lt; 6 | length); a lookup tries the prefix lengths present in the set from the
 * longest down and the first hit decides, MATCH or NOMATCH (mtype_test_cidrs).
 */
final class HashSetIndex implements IpSetIndex {
    private static final int IP = 0, PORT = 1, NET = 2;

    private final String name;
    private final SetType type;
    private final int[] dims;
    private final int netDim;
    /** Prefix lengths present in the NET dimension, longest first. */
    private final int[] cidrs;
    /** hash:ip netmask option (the set stores networks of this mask). */
    private final int ipMask;
    /** Members keyed by their packed components; the value is the entry's match result (never 0: absent). */
    private final MemberTable table = new MemberTable();

    HashSetIndex(IpSet set) {
        name = set.name();
        type = set.type();
        SourceRef where = new SourceRef("ipset " + set.name(), 0, 0);
        dims = new int[set.type().dims().size()];
        int nd = -1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = switch (set.type().dims().get(i)) {
                case IP -> IP;
                case PORT -> PORT;
                case NET -> NET;
            };
            if (dims[i] == NET) nd = i;
        }
        netDim = nd;
        int mask = -1;
        String nm = set.options().get("netmask");
        if (nm != null) {
            if (set.type() != SetType.HASH_IP) throw new ParseError(where, "netmask is only valid for hash:ip");
            try {
                mask = Prefix.maskOf(Integer.parseInt(nm));
            } catch (RuntimeException e) {
                throw new ParseError(where, "netmask: expected a prefix length 1-32, got '" + nm + "'");
            }
        }
        ipMask = mask;
        TreeSet<Integer> lens = new TreeSet<>();
        for (SetEntry e : set.entries()) {
            if (e.elems().size() != dims.length)
                throw new ParseError(where, set.type().label() + " entries have " + dims.length + " parts, got " + e.elems());
            if (e.nomatch() && netDim < 0)
                throw new ParseError(where, set.type().label() + " does not support nomatch");
            byte v = e.nomatch() ? (byte) NOMATCH : (byte) MATCH;
            long[] comp = new long[3];
            int expandDim = -1;
            Prefix expand = null;
            for (int i = 0; i < dims.length; i++) {
                SetElem el = e.elems().get(i);
                switch (dims[i]) {
                    case PORT -> {
                        if (!(el instanceof SetElem.Port p))
                            throw new ParseError(where, "dimension " + (i + 1) + " of " + set.type().label() + " is a port, got " + el);
                        Protocol pr = p.protocol() == null ? Protocol.TCP : p.protocol();
                        comp[i] = (long) pr.number() << 16 | p.port();
                    }
                    case NET -> {
                        if (!(el instanceof SetElem.Net n))
                            throw new ParseError(where, "dimension " + (i + 1) + " of " + set.type().label() + " is a network, got " + el);
                        lens.add(n.prefix().length());
                        comp[i] = net(n.prefix().address().bits(), n.prefix().length());
                    }
                    default -> {
                        if (!(el instanceof SetElem.Net n))
                            throw new ParseError(where, "dimension " + (i + 1) + " of " + set.type().label() + " is an address, got " + el);
                        int len = n.prefix().length();
                        if (ipMask != -1) len = 32; // the netmask applies below
                        if (len < 32) {
                            // ipset adds every address of a CIDR given for an IP dimension.
                            if (len < 16) throw new ParseError(where, "range " + n.prefix() + " is too large to add to " + set.type().label());
                            if (expand != null) throw new ParseError(where, "only one address dimension can be a range");
                            expand = n.prefix().network();
                            expandDim = i;
                        }
                        comp[i] = n.prefix().address().bits() & ipMask & 0xffffffffL;
                    }
                }
            }
            if (expand == null) {
                table.put(comp[0], comp[1] | comp[2] << 24, v);
            } else {
                long first = expand.address().unsigned(), count = 1L << (32 - expand.length());
                for (long a = 0; a < count; a++) {
                    comp[expandDim] = (first + a) & 0xffffffffL;
                    table.put(comp[0], comp[1] | comp[2] << 24, v);
                }
            }
        }
        cidrs = lens.descendingSet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** Dimension i's packed number: a port as given, an address under the netmask; 0 for a NET dimension (probed by length) or none. */
    private long component(int i, int d) {
        if (i >= dims.length) return 0;
        return switch (dims[i]) {
            case PORT -> d & 0xffffffL;
            case NET -> 0;
            default -> d & ipMask & 0xffffffffL;
        };
    }

    @Override
    public int lookupExact(int d0, int d1, int d2, int len) {
        if (netDim < 0 || len >= 32) return lookup(d0, d1, d2);
        if (table.size() == 0) return ABSENT;
        long c0 = component(0, d0), c1 = component(1, d1), c2 = component(2, d2);
        long c = net(netDim == 0 ? d0 : netDim == 1 ? d1 : d2, len);
        return switch (netDim) {
            case 0 -> at(c, c1 | c2 << 24);
            case 1 -> at(c0, c | c2 << 24);
            default -> at(c0, c1 | c << 24);
        };
    }

    private static long net(int addr, int len) {
        return ((addr & Prefix.maskOf(len)) & 0xffffffffL) << 6 | len;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SetType type() {
        return type;
    }

    @Override
    public int lookup(int d0, int d1, int d2) {
        if (table.size() == 0) return ABSENT; // kube-proxy keeps several sets empty
        long c0 = component(0, d0), c1 = component(1, d1), c2 = component(2, d2);
        int netAddr = netDim == 0 ? d0 : netDim == 1 ? d1 : d2;
        if (netDim < 0) return at(c0, c1 | c2 << 24);
        for (int len : cidrs) {
            long c = net(netAddr, len);
            byte v = switch (netDim) {
                case 0 -> at(c, c1 | c2 << 24);
                case 1 -> at(c0, c | c2 << 24);
                default -> at(c0, c1 | c << 24);
            };
            if (v != 0) return v;
        }
        return ABSENT;
    }

    private byte at(long a, long b) {
        return table.get(a, b);
    }
}
