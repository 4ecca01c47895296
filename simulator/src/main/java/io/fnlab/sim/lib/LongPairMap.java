package io.fnlab.sim.lib;

import java.util.function.Consumer;

/**
 * An open-addressing hash table from a pair of longs to an object: the kernel hashes a connection
 * tuple's numbers (hash_conntrack_raw, ip_vs_conn_hashkey), and so do the tables built on this
 * one (conntrack, the IPVS connection table), instead of allocating a key object per lookup.
 * Linear probing with backward-shift deletion, so there are no tombstones and a lookup allocates
 * nothing. Null values are not stored.
 */
public final class LongPairMap<V> {
    /**
     * Both key words of slot i side by side at 2i and 2i+1: a probe reads one cache line for the
     * key instead of one in each of two arrays (on tables bigger than the CPU cache the misses
     * are most of a lookup's cost).
     */
    private long[] keys;
    private Object[] vals;
    private int size;

    public LongPairMap() {
        this(16);
    }

    public LongPairMap(int expected) {
        int cap = 16;
        while (cap < expected * 2) cap <<= 1;
        keys = new long[cap * 2];
        vals = new Object[cap];
    }

    /** A mix of both keys (a multiply-xorshift, like the kernel's jhash a fixed function of the tuple words). */
    static int hash(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 31);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    @SuppressWarnings("unchecked")
    public V get(long a, long b) {
        Object[] v = vals;
        int mask = v.length - 1;
        int i = hash(a, b) & mask;
        Object x;
        long[] k = keys;
        while ((x = v[i]) != null) {
            if (k[2 * i] == a && k[2 * i + 1] == b) return (V) x;
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Maps the key to value (not null); returns the value it had, or null. */
    @SuppressWarnings("unchecked")
    public V put(long a, long b, V value) {
        if (value == null) throw new NullPointerException("null value");
        if ((size + 1) * 2 > vals.length) grow();
        int mask = vals.length - 1;
        int i = hash(a, b) & mask;
        Object x;
        while ((x = vals[i]) != null) {
            if (keys[2 * i] == a && keys[2 * i + 1] == b) {
                vals[i] = value;
                return (V) x;
            }
            i = (i + 1) & mask;
        }
        keys[2 * i] = a;
        keys[2 * i + 1] = b;
        vals[i] = value;
        size++;
        return null;
    }

    /** Removes the key only while it maps to {@code expected} (the same object: Map.remove(key, value) by identity); true when removed. */
    public boolean remove(long a, long b, Object expected) {
        int mask = vals.length - 1;
        int i = hash(a, b) & mask;
        Object x;
        while ((x = vals[i]) != null) {
            if (keys[2 * i] == a && keys[2 * i + 1] == b) {
                if (x != expected) return false;
                deleteAt(i);
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    /** Removes the key whatever it maps to; returns the old value or null. */
    @SuppressWarnings("unchecked")
    public V remove(long a, long b) {
        V old = get(a, b);
        if (old != null) remove(a, b, old);
        return old;
    }

    /** Backward-shift deletion: later entries of the probe run move up so that no lookup stops early. */
    private void deleteAt(int i) {
        int mask = vals.length - 1;
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (vals[j] == null) break;
            int home = hash(keys[2 * j], keys[2 * j + 1]) & mask;
            // move j into the hole when its home slot is not in (hole, j] cyclically
            boolean stay = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stay) {
                keys[2 * hole] = keys[2 * j];
                keys[2 * hole + 1] = keys[2 * j + 1];
                vals[hole] = vals[j];
                hole = j;
            }
        }
        vals[hole] = null;
        keys[2 * hole] = 0;
        keys[2 * hole + 1] = 0;
        size--;
    }

    public int size() {
        return size;
    }

    /** Slots in the table (a power of two): with {@link #valueAt} a caller can walk it a few slots at a time. */
    public int capacity() {
        return vals.length;
    }

    /** The value in a slot, or null when the slot is empty. */
    @SuppressWarnings("unchecked")
    public V valueAt(int slot) {
        return (V) vals[slot];
    }

    /** Every value, once per key, in table order (callers that show entries sort them). */
    @SuppressWarnings("unchecked")
    public void forEachValue(Consumer<? super V> f) {
        Object[] v = vals.clone(); // f may remove entries
        for (Object x : v) if (x != null) f.accept((V) x);
    }

    /** What {@link #forEachKey} gives: both key words. */
    public interface KeyConsumer {
        void accept(long a, long b);
    }

    /** Every key, in table order (a copy is walked: f may change the table). */
    public void forEachKey(KeyConsumer f) {
        long[] k = keys.clone();
        Object[] v = vals.clone();
        for (int i = 0; i < v.length; i++) if (v[i] != null) f.accept(k[2 * i], k[2 * i + 1]);
    }

    private void grow() {
        long[] ok = keys;
        Object[] ov = vals;
        keys = new long[ov.length * 4];
        vals = new Object[ov.length * 2];
        size = 0;
        for (int i = 0; i < ov.length; i++) if (ov[i] != null) put(ok[2 * i], ok[2 * i + 1], castV(ov[i]));
    }

    @SuppressWarnings("unchecked")
    private V castV(Object o) {
        return (V) o;
    }
}
