package io.fnlab.sim.ipvs.sched;

/**
 * lib/siphash.c hsiphash() as built for 64-bit kernels (BITS_PER_LONG == 64): SipHash-1-3 with a
 * 128-bit key of two unsigned longs, for a 4-byte input. (32-bit kernels use HalfSipHash-1-3
 * instead and so build a different MH table; fnlab models x86_64.)
 */
final class HsipHash {
    private HsipHash() {}

    /** hsiphash(&v, sizeof(u32), key) with key->key[0] = k0, key->key[1] = k1. */
    static int hash32(int v, long k0, long k1) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        long b = (4L << 56) | (v & 0xffffffffL); // len 4, le32_to_cpup of the u32 (little-endian host)
        // HPOSTAMBLE
        v3 ^= b;
        long[] s = {v0, v1, v2, v3};
        round(s);
        s[0] ^= b;
        s[2] ^= 0xff;
        round(s);
        round(s);
        round(s);
        return (int) ((s[0] ^ s[1]) ^ (s[2] ^ s[3]));
    }

    /** SIPHASH_PERMUTATION. */
    private static void round(long[] s) {
        long a = s[0], b = s[1], c = s[2], d = s[3];
        a += b; b = Long.rotateLeft(b, 13); b ^= a; a = Long.rotateLeft(a, 32);
        c += d; d = Long.rotateLeft(d, 16); d ^= c;
        a += d; d = Long.rotateLeft(d, 21); d ^= a;
        c += b; b = Long.rotateLeft(b, 17); b ^= c; c = Long.rotateLeft(c, 32);
        s[0] = a; s[1] = b; s[2] = c; s[3] = d;
    }
}
