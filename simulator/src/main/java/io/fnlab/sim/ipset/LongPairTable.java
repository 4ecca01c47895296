package io.fnlab.sim.ipset;

/**
 * An open-addressing hash table from a pair of longs to a small value, built once and then only
 * read: lookups allocate nothing. Value 0 means absent.
 */
final class LongPairTable {
    private long[] k1 = new long[16];
    private long[] k2 = new long[16];
    private byte[] val = new byte[16];
    private int size;

    private static int hash(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 31);
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }

    /** Sets the value of a key (the last put wins, as a re-added ipset entry replaces the old one). */
    void put(long a, long b, byte v) {
        if ((size + 1) * 2 > val.length) grow();
        int mask = val.length - 1;
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
        size++;
    }

    byte get(long a, long b) {
        int mask = val.length - 1;
        int i = hash(a, b) & mask;
        byte v;
        while ((v = val[i]) != 0) {
            if (k1[i] == a && k2[i] == b) return v;
            i = (i + 1) & mask;
        }
        return 0;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] o1 = k1, o2 = k2;
        byte[] ov = val;
        k1 = new long[ov.length * 2];
        k2 = new long[ov.length * 2];
        val = new byte[ov.length * 2];
        size = 0;
        for (int i = 0; i < ov.length; i++) if (ov[i] != 0) put(o1[i], o2[i], ov[i]);
    }
}
