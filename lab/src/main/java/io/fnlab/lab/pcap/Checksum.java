package io.fnlab.lab.pcap;

/** The Internet checksum (RFC 1071) as the kernel's csum_fold(csum_partial()) computes it. */
final class Checksum {
    private Checksum() {}

    /** One's-complement sum of b[off, off+len) added to {@code sum}, not folded. */
    static long partial(byte[] b, int off, int len, long sum) {
        int i = off, end = off + len;
        for (; i + 1 < end; i += 2) sum += (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
        if (i < end) sum += (b[i] & 0xff) << 8;
        return sum;
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    /** The TCP/UDP pseudo-header sum (csum_tcpudp_nofold). */
    static long pseudo(int saddr, int daddr, int proto, int l4len) {
        return (saddr >>> 16) + (saddr & 0xffff) + (daddr >>> 16) + (daddr & 0xffff) + proto + l4len;
    }
}
