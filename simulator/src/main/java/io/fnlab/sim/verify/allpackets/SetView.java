package io.fnlab.sim.verify.allpackets;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.net.Prefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One `-m set --match-set NAME flags` seen as header-space tests: the dimensions flagged dst
 * select the entries a destination can meet, and the dimensions flagged src of those entries
 * are cuts of the source address (IP/NET) and source port (PORT) spaces. So KUBE-LOOP-BACK
 * (hash:ip,port,ip, dst,dst,src) seen from destination 10.244.1.2:8080 cuts the source space
 * at exactly 10.244.1.2: the hairpin class. Entries are indexed by their first dst dimension
 * when it is an address (the common case: 10,000 ClusterIPs) so that a destination's lookup
 * does not scan the set.
 */
final class SetView {
    private final IpSet set;
    private final boolean[] src;
    private final List<SetType.Dim> dims;
    /** The dimension the index is keyed on (the first dst-flagged one), -1 when none is flagged dst. */
    private final int keyDim;
    private final Map<Long, List<SetEntry>> byKey = new HashMap<>();
    private final List<SetEntry> unkeyed = new ArrayList<>();
    /** Fewer flags than dimensions: ip_set_test never matches (opt->dim &lt; set->type->dimension). */
    private final boolean neverMatches;

    SetView(IpSet set, List<Boolean> srcFlags) {
        this.set = set;
        this.dims = set.type().dims();
        this.src = new boolean[srcFlags.size()];
        for (int i = 0; i < src.length; i++) src[i] = srcFlags.get(i);
        neverMatches = src.length < dims.size();
        int kd = -1;
        for (int i = 0; i < dims.size() && i < src.length; i++) if (!src[i]) { kd = i; break; }
        keyDim = kd;
        for (SetEntry e : set.entries()) {
            if (e.elems().size() != dims.size()) continue;
            Long k = kd < 0 ? null : key(e.elems().get(kd));
            if (k == null) unkeyed.add(e);
            else byKey.computeIfAbsent(k, x -> new ArrayList<>(1)).add(e);
        }
    }

    private static Long key(SetElem e) {
        if (e instanceof SetElem.Net n) return n.prefix().length() == 32 ? (long) n.prefix().address().bits() & 0xffffffffL : null;
        if (e instanceof SetElem.Port p) return 1L << 40 | p.port();
        return null;
    }

    boolean neverMatches() {
        return neverMatches;
    }

    boolean hasDst() {
        return keyDim >= 0;
    }

    boolean hasSrc() {
        for (int i = 0; i < dims.size() && i < src.length; i++) if (src[i]) return true;
        return false;
    }

    /** Entries whose dst-flagged dimensions a packet to v can match (with v's port unknown, any port will do). */
    List<SetEntry> entriesFor(View v) {
        if (neverMatches) return List.of();
        List<SetEntry> out = new ArrayList<>();
        if (keyDim < 0) { // only src dimensions: the protocol of a port dimension still has to fit
            addMatching(set.entries(), v, out);
            return out;
        }
        SetType.Dim kd = dims.get(keyDim);
        if (kd == SetType.Dim.PORT) {
            if (v.portKnown()) addMatching(byKey.get(1L << 40 | v.dport()), v, out);
            else for (List<SetEntry> l : byKey.values()) addMatching(l, v, out);
        } else {
            addMatching(byKey.get((long) v.daddr() & 0xffffffffL), v, out);
        }
        addMatching(unkeyed, v, out);
        return out;
    }

    /** Whether some entry's dst-flagged dimensions a packet to v can match (allocates nothing). */
    boolean anyFor(View v) {
        if (neverMatches) return false;
        if (keyDim < 0) return !set.entries().isEmpty();
        if (dims.get(keyDim) == SetType.Dim.PORT) {
            if (v.portKnown()) {
                if (anyMatching(byKey.get(1L << 40 | v.dport()), v)) return true;
            } else {
                for (List<SetEntry> l : byKey.values()) if (anyMatching(l, v)) return true;
            }
        } else if (anyMatching(byKey.get((long) v.daddr() & 0xffffffffL), v)) {
            return true;
        }
        return anyMatching(unkeyed, v);
    }

    private boolean anyMatching(List<SetEntry> l, View v) {
        if (l == null) return false;
        for (int i = 0; i < l.size(); i++) if (dstMatches(l.get(i), v)) return true;
        return false;
    }

    private void addMatching(List<SetEntry> l, View v, List<SetEntry> out) {
        if (l == null) return;
        for (SetEntry e : l) if (dstMatches(e, v)) out.add(e);
    }

    private boolean dstMatches(SetEntry e, View v) {
        for (int i = 0; i < dims.size(); i++) {
            if (src[i]) {
                // a src PORT dimension still fixes the protocol
                if (e.elems().get(i) instanceof SetElem.Port p && !protoOk(p, v.proto())) return false;
                continue;
            }
            SetElem el = e.elems().get(i);
            if (el instanceof SetElem.Net n) {
                if (!contains(n.prefix(), v.daddr())) return false;
            } else if (el instanceof SetElem.Port p) {
                if (!protoOk(p, v.proto())) return false;
                if (v.portKnown() && p.port() != v.dport()) return false;
            }
        }
        return true;
    }

    private boolean protoOk(SetElem.Port p, int proto) {
        // bitmap:port entries carry no protocol: TCP and UDP packets are tested (ip_set_get_ip_port)
        if (set.type() == SetType.BITMAP_PORT || p.protocol() == null) return proto == 6 || proto == 17;
        return p.protocol().number() == proto;
    }

    static boolean contains(Prefix p, int addr) {
        int m = Prefix.maskOf(p.length());
        return (addr & m) == (p.address().bits() & m);
    }

    /**
     * Cuts of the source dimensions by the entries a packet to v can meet, as test {@code test}:
     * with one src dimension the whole set is one test (its members behave alike); with several
     * (src,src) each entry is its own test, since a member's address with another member's port
     * is no member; nomatch entries are a test of their own (they carve holes).
     */
    void srcCuts(View v, Cells addr, Cells sport, long test) {
        if (!hasSrc()) return;
        int srcDims = 0;
        for (int i = 0; i < dims.size(); i++) if (src[i]) srcDims++;
        int entry = 0;
        for (SetEntry e : entriesFor(v)) {
            entry++;
            long t = srcDims > 1 ? test | (entry & 0xfffff) : e.nomatch() ? test | 0xfffff : test;
            for (int i = 0; i < dims.size(); i++) {
                if (!src[i]) continue;
                SetElem el = e.elems().get(i);
                if (el instanceof SetElem.Net n) addr.cut(Ranges.lo(n.prefix()), Ranges.hi(n.prefix()), t);
                else if (el instanceof SetElem.Port p) sport.cut(p.port(), p.port(), t);
            }
        }
    }

    /** Cuts of the destination port by the entries a packet to v's address and protocol can meet. */
    void dportCuts(View v, Cells dport, long test) {
        if (!hasDst()) return;
        for (int i = 0; i < dims.size(); i++) {
            if (src[i] || dims.get(i) != SetType.Dim.PORT) continue;
            for (SetEntry e : entriesFor(v))
                if (e.elems().get(i) instanceof SetElem.Port p) dport.cut(p.port(), p.port(), e.nomatch() ? test | 0xfffff : test);
        }
    }
}
