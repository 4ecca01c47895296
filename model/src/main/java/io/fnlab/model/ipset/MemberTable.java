package io.fnlab.model.ipset;

/**
 * The members of a hash:* set: long pairs (the packed dimensions) each with a small non-zero tag
 * (MATCH or NOMATCH), built once and then only probed. The tag sits beside the key words (three
 * longs per slot), so a probe reads one cache line where a key array and a value array would cost
 * two: on a kube-proxy node with 10,000 services each new connection probes a different, cold
 * member. Linear probing; no removal.
 */
final class MemberTable {
    /** Per slot: key words at 3i and 3i+1, the tag (0 = empty) at 3i+2. */
    private long[] slots;
    private int size;

    MemberTable() {
        slots = new long[16 * 3];
    }

    /** A mix of both key words (multiply-xorshift). */
    private static int hash(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 31);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    private int capacity() {
        return slots.length / 3;
    }

    /** The tag of the key, or 0 when absent. */
    byte get(long a, long b) {
        long[] s = slots;
        int mask = s.length / 3 - 1;
        int i = hash(a, b) & mask;
        long t;
        while ((t = s[3 * i + 2]) != 0) {
            if (s[3 * i] == a && s[3 * i + 1] == b) return (byte) t;
            i = (i + 1) & mask;
        }
        return 0;
    }

    /** Sets the key's tag (not 0); a later put of the same key replaces it. */
    void put(long a, long b, byte tag) {
        if (tag == 0) throw new IllegalArgumentException("tag 0 means absent");
        if ((size + 1) * 2 > capacity()) grow();
        int mask = capacity() - 1;
        int i = hash(a, b) & mask;
        while (slots[3 * i + 2] != 0) {
            if (slots[3 * i] == a && slots[3 * i + 1] == b) {
                slots[3 * i + 2] = tag;
                return;
            }
            i = (i + 1) & mask;
        }
        slots[3 * i] = a;
        slots[3 * i + 1] = b;
        slots[3 * i + 2] = tag;
        size++;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (int i = 0; i < old.length / 3; i++) if (old[3 * i + 2] != 0) put(old[3 * i], old[3 * i + 1], (byte) old[3 * i + 2]);
    }
}
