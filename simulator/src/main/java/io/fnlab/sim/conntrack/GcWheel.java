package io.fnlab.sim.conntrack;

import java.util.function.Consumer;

/**
 * What nf_conntrack_core.c's gc_worker achieves, at a cost per entry rather than per hash slot:
 * confirmed entries wait in buckets of {@link #SPAN_MS} by their expiry (a hashed timing wheel
 * of {@link #BUCKETS} buckets, about 17 minutes around). When the clock has passed a bucket,
 * each of its entries is killed if it has expired, forgotten if it is already dead, and otherwise
 * put back in the bucket of its current expiry (a later lap of the wheel, or a timeout that a
 * packet extended). An entry whose timeout gets shorter (a SYN_SENT connection reset: 120 s to
 * 10 s) is queued again in the earlier bucket; its older place is then stale and skipped.
 *
 * <p>Lookups already treat an expired entry as gone, so nothing observable depends on when the
 * gc runs: it only keeps the table near the size of the live connections, at most a bucket
 * late. An entry costs O(1) to queue and about one look when it is due.
 */
final class GcWheel {
    static final int SPAN_MS = 256;
    static final int BUCKETS = 4096;

    private final NfConn[][] buckets = new NfConn[BUCKETS][];
    private final int[] counts = new int[BUCKETS];
    /** Start time of the first bucket not yet processed; MIN_VALUE until the first entry (then every place is at or after it). */
    private long next = Long.MIN_VALUE;
    private int queued;
    /** An emptied bucket array that found its bucket refilled meanwhile: the next empty bucket takes it. */
    private NfConn[] spare;
    private final java.util.function.LongSupplier clock;

    GcWheel(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    static long bucketStart(long t) {
        return Math.floorDiv(t, SPAN_MS) * SPAN_MS;
    }

    private static int index(long t) {
        return (int) Math.floorMod(Math.floorDiv(t, SPAN_MS), (long) BUCKETS);
    }

    /**
     * Queues an entry at its current expiry (confirm, or a shorter timeout than where it waits),
     * never before the first unprocessed bucket and never beyond the wheel's last bucket: an entry
     * that lives longer is looked at once per turn of the wheel.
     */
    void queue(NfConn c) {
        if (next == Long.MIN_VALUE) next = bucketStart(clock.getAsLong());
        long at = Math.min(Math.max(c.expires, next), next + (long) (BUCKETS - 1) * SPAN_MS);
        c.gcQueuedAt = bucketStart(at);
        int i = index(at);
        NfConn[] b = buckets[i];
        if (b == null) {
            b = spare != null ? spare : new NfConn[8];
            spare = null;
            buckets[i] = b;
        }
        else if (counts[i] == b.length) buckets[i] = b = java.util.Arrays.copyOf(b, b.length * 2);
        b[counts[i]++] = c;
        queued++;
    }

    /** A packet changed the entry's expiry: queue it again when it now expires in an earlier bucket than where it waits. */
    void rearm(NfConn c) {
        if (c.gcQueuedAt != NfConn.NOT_QUEUED && bucketStart(c.expires) < c.gcQueuedAt) queue(c);
    }

    /** Processes every bucket whose whole span lies before {@code now}; expired entries go to {@code kill}. */
    void run(long now, Consumer<NfConn> kill) {
        if (queued == 0 || next == Long.MIN_VALUE || now - next < SPAN_MS) return;
        if (now - next >= (long) BUCKETS * SPAN_MS) {
            // the clock jumped past the whole wheel: take every entry out once, then look at each
            java.util.List<NfConn> all = new java.util.ArrayList<>(queued);
            for (int i = 0; i < BUCKETS; i++) {
                for (int k = 0; k < counts[i]; k++) {
                    NfConn c = buckets[i][k];
                    if (c.gcQueuedAt == NfConn.NOT_QUEUED) continue; // a second place of the same entry
                    c.gcQueuedAt = NfConn.NOT_QUEUED;
                    all.add(c);
                }
                buckets[i] = null;
                counts[i] = 0;
            }
            queued = 0;
            next = bucketStart(now);
            for (NfConn c : all) look(c, now, kill);
            return;
        }
        while (now - next >= SPAN_MS) {
            long start = next;
            next += SPAN_MS;
            int i = index(start);
            int n = counts[i];
            if (n == 0) continue;
            NfConn[] b = buckets[i];
            buckets[i] = null;
            counts[i] = 0;
            queued -= n;
            for (int k = 0; k < n; k++) {
                NfConn c = b[k];
                b[k] = null;
                if (c.gcQueuedAt != start) continue; // stale: queued again in an earlier bucket, or already looked at
                c.gcQueuedAt = NfConn.NOT_QUEUED;
                look(c, now, kill);
            }
            // the bucket's array serves the next turn of the wheel (not reallocated and regrown every turn)
            if (buckets[i] == null) buckets[i] = b;
            else if (spare == null || spare.length < b.length) spare = b;
        }
    }

    private void look(NfConn c, long now, Consumer<NfConn> kill) {
        if (c.has(NfConn.DYING)) return;
        if (c.expires <= now) kill.accept(c);
        else queue(c);
    }

    /** Entries waiting, stale places included (tests). */
    int queued() {
        return queued;
    }
}
