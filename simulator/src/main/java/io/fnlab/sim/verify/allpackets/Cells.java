package io.fnlab.sim.verify.allpackets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The atoms of one header dimension (an address or port space): every test of that dimension
 * is a cut (an inclusive range), and two values are equivalent when they lie in exactly the same
 * cuts. An atom is therefore a set of intervals with one membership signature; values inside it
 * are told apart by no cut, so one representative stands for all of them. Addresses between two
 * /32 cuts of the same /16 are one atom, not two: atoms are grouped by signature, not by interval.
 */
final class Cells {
    private long[] lo = new long[8], hi = new long[8];
    private int n;
    private final long min, max;

    Cells(long min, long max) {
        this.min = min;
        this.max = max;
    }

    static Cells addresses() {
        return new Cells(0, 0xffffffffL);
    }

    static Cells ports() {
        return new Cells(0, 65535);
    }

    /** A test of the dimension that holds exactly [a, b] (unsigned, inclusive). */
    void cut(long a, long b) {
        a = Math.max(a, min);
        b = Math.min(b, max);
        if (a > b || (a == min && b == max)) return; // a test every value passes divides nothing
        for (int i = 0; i < n; i++) if (lo[i] == a && hi[i] == b) return;
        if (n == lo.length) {
            lo = Arrays.copyOf(lo, n * 2);
            hi = Arrays.copyOf(hi, n * 2);
        }
        lo[n] = a;
        hi[n] = b;
        n++;
    }

    void cutAll(Cells o) {
        for (int i = 0; i < o.n; i++) cut(o.lo[i], o.hi[i]);
    }

    /** The cuts as a value, for caching what depends only on them. */
    List<Long> key() {
        List<Long> k = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            k.add(lo[i]);
            k.add(hi[i]);
        }
        return k;
    }

    int cuts() {
        return n;
    }

    /** The atoms, each as its intervals flattened {lo0, hi0, lo1, hi1, ...}, in address order of their first interval. */
    List<long[]> atoms() {
        long[] pts = new long[2 * n + 1];
        int k = 0;
        pts[k++] = min;
        for (int i = 0; i < n; i++) {
            pts[k++] = lo[i];
            if (hi[i] < max) pts[k++] = hi[i] + 1;
        }
        Arrays.sort(pts, 0, k);
        Map<BitSet, long[]> bySig = new LinkedHashMap<>();
        Map<BitSet, Integer> used = new java.util.HashMap<>();
        long prev = Long.MIN_VALUE;
        for (int p = 0; p < k; p++) {
            long a = pts[p];
            if (a == prev) continue;
            prev = a;
            long b = max;
            for (int q = p + 1; q < k; q++) if (pts[q] != a) { b = pts[q] - 1; break; }
            BitSet sig = new BitSet(n);
            for (int i = 0; i < n; i++) if (lo[i] <= a && a <= hi[i]) sig.set(i);
            long[] iv = bySig.get(sig);
            int u = used.getOrDefault(sig, 0);
            if (iv == null) iv = new long[4];
            else if (u == iv.length) iv = Arrays.copyOf(iv, iv.length * 2);
            iv[u] = a;
            iv[u + 1] = b;
            bySig.put(sig, iv);
            used.put(sig, u + 2);
        }
        List<long[]> out = new ArrayList<>(bySig.size());
        for (Map.Entry<BitSet, long[]> e : bySig.entrySet()) out.add(Arrays.copyOf(e.getValue(), used.get(e.getKey())));
        return out;
    }

    /**
     * A representative of the atom: the first preferred value inside it that {@code ok} accepts,
     * else the first of a few values near each interval's ends that it accepts; -1 when none
     * (e.g. an atom that holds only loopback or director addresses).
     */
    static long pick(long[] atom, LongPredicate ok, long... preferred) {
        for (long p : preferred) if (in(atom, p) && ok.test(p)) return p;
        for (int i = 0; i < atom.length && i < 64; i += 2) {
            long a = atom[i], b = atom[i + 1];
            long[] cand = {a + 1, a + 2, a, a + 3, b - 1, b, a + (b - a) / 2, a + 4, a + 5, a + 6};
            for (long c : cand) if (c >= a && c <= b && ok.test(c)) return c;
        }
        return -1;
    }

    static boolean in(long[] atom, long v) {
        for (int i = 0; i < atom.length; i += 2) if (atom[i] <= v && v <= atom[i + 1]) return true;
        return false;
    }

    /** The atom's size (how many values it holds). */
    static long size(long[] atom) {
        long s = 0;
        for (int i = 0; i < atom.length; i += 2) s += atom[i + 1] - atom[i] + 1;
        return s;
    }
}
