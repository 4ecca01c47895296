package io.fnlab.sim.verify.allpackets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The atoms of one header dimension (an address or port space). Every test of the dimension is
 * a set of ranges with one test id (a `-s` prefix is one range; `-m set --match-set S src` is all
 * of S's entries, one test), and two values are equivalent when they pass exactly the same tests.
 * An atom is therefore a set of intervals with one membership signature; one representative
 * stands for all of it. So a 10,000-entry source blacklist is two atoms (in it, not in it), not
 * 10,001, and addresses between two /32 cuts of one /16 are one atom.
 */
final class Cells {
    private long[] lo = new long[8], hi = new long[8];
    private long[] id = new long[8];
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

    /** Range [a, b] (unsigned, inclusive) belongs to test t (ranges of one test share its id). */
    void cut(long a, long b, long t) {
        a = Math.max(a, min);
        b = Math.min(b, max);
        if (a > b) return;
        if (n == lo.length) {
            lo = Arrays.copyOf(lo, n * 2);
            hi = Arrays.copyOf(hi, n * 2);
            id = Arrays.copyOf(id, n * 2);
        }
        lo[n] = a;
        hi[n] = b;
        id[n] = t;
        n++;
    }

    void cutAll(Cells o) {
        for (int i = 0; i < o.n; i++) cut(o.lo[i], o.hi[i], o.id[i]);
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** The cuts as a value, for caching what depends only on them. */
    List<Long> key() {
        List<Long> k = new ArrayList<>(3 * n);
        for (int i = 0; i < n; i++) {
            k.add(lo[i]);
            k.add(hi[i]);
            k.add(id[i]);
        }
        return k;
    }

    /** The atoms, each as its intervals flattened {lo0, hi0, lo1, hi1, ...}, in order of their first interval. */
    List<long[]> atoms() {
        // dense test numbers, then a sweep over the range ends with a count per test
        Map<Long, Integer> dense = new HashMap<>();
        int[] d = new int[n];
        for (int i = 0; i < n; i++) d[i] = dense.computeIfAbsent(id[i], k -> dense.size());
        // event x = range << 1 | (0 start, 1 end) at pos[x]: the range's start, or the value after its end
        Integer[] order = new Integer[2 * n];
        int k = 0;
        long[] pos = new long[2 * n];
        for (int i = 0; i < n; i++) {
            pos[k] = lo[i];
            order[k] = i << 1;
            k++;
            pos[k] = hi[i] + 1; // may be max + 1: never reached
            order[k] = i << 1 | 1;
            k++;
        }
        Arrays.sort(order, 0, k, (x, y) -> Long.compare(pos[x], pos[y]));
        long[] sp = new long[k];
        for (int i = 0; i < k; i++) sp[i] = pos[order[i]];
        int[] count = new int[dense.size()];
        BitSet active = new BitSet(dense.size());
        Map<BitSet, long[]> bySig = new LinkedHashMap<>();
        Map<BitSet, Integer> used = new HashMap<>();
        long at = min;
        int e = 0;
        while (at <= max) {
            while (e < k && sp[e] <= at) {
                int r = order[e] >> 1;
                if ((order[e] & 1) == 0) {
                    if (count[d[r]]++ == 0) active.set(d[r]);
                } else if (--count[d[r]] == 0) {
                    active.clear(d[r]);
                }
                e++;
            }
            long next = e < k ? sp[e] : max + 1;
            long b = Math.min(next - 1, max);
            BitSet sig = (BitSet) active.clone();
            long[] iv = bySig.get(sig);
            int u = used.getOrDefault(sig, 0);
            if (iv == null) iv = new long[4];
            else if (u == iv.length) iv = Arrays.copyOf(iv, iv.length * 2);
            iv[u] = at;
            iv[u + 1] = b;
            bySig.put(sig, iv);
            used.put(sig, u + 2);
            at = b + 1;
        }
        List<long[]> out = new ArrayList<>(bySig.size());
        for (Map.Entry<BitSet, long[]> x : bySig.entrySet()) out.add(Arrays.copyOf(x.getValue(), used.get(x.getKey())));
        return out;
    }

    /**
     * A representative of the atom: the first preferred value inside it that {@code ok} accepts,
     * else the first of a few values near each interval's ends that it accepts (in the first 32
     * intervals); -1 when none (e.g. an atom that holds only loopback or director addresses).
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
