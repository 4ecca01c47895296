package io.fnlab.sim.ipvs;

import io.fnlab.sim.lib.LongPairMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * ip_vs_conn_tab: connections found by their client side (ip_vs_conn_in_get: protocol, caddr, cport,
 * vaddr, vport), by their real-server side (ip_vs_conn_out_get: protocol, daddr, dport, caddr,
 * cport), and templates (ip_vs_ct_in_get), each keyed by the tuple's numbers as
 * ip_vs_conn_hashkey hashes them (no key object per lookup).
 *
 * <p>Timers: the kernel re-arms a connection's timer on every packet (ip_vs_conn_put: mod_timer)
 * and its timer wheel makes that O(1). Here a re-arm only writes the connection's expiry; a
 * binary heap holds at most one live entry per connection, at or before its expiry, and an entry
 * that comes due early is moved to the connection's current expiry instead of firing. Only a
 * re-arm to an earlier time (a shorter state timeout, expire-now) adds an entry; the older one is
 * then stale and dropped when it comes up. {@link #expire(long, Consumer)} fires due timers in
 * order of expiry, then of creation, as the sorted set this replaced did.
 */
public final class ConnTable {
    private final LongPairMap<IpvsConn> in = new LongPairMap<>();
    private final LongPairMap<IpvsConn> out = new LongPairMap<>();
    private final TimerHeap timers = new TimerHeap();
    /** Every connection and template in creation order: an intrusive list through IpvsConn.prev/next. */
    private IpvsConn head, tail;
    private int size;

    static long keyA(int a1, int a2) {
        return (long) a1 << 32 | (a2 & 0xffffffffL);
    }

    static long keyB(int protocol, int p1, int p2, boolean template) {
        return (template ? 1L << 56 : 0) | (long) (protocol & 0xff) << 48 | (p1 & 0xffffffL) << 24 | (p2 & 0xffffffL);
    }

    void hash(IpvsConn c) {
        in.put(keyA(c.caddr, c.vaddr), keyB(c.protocol, c.cport, c.vport, c.isTemplate()), c);
        if (!c.isTemplate()) out.put(keyA(c.daddr, c.caddr), keyB(c.protocol, c.dport, c.cport, false), c);
        if (!c.linked) {
            c.linked = true;
            c.prev = tail;
            c.next = null;
            if (tail == null) head = c; else tail.next = c;
            tail = c;
            size++;
        }
        if (c.queuedAt == IpvsConn.NOT_QUEUED) timers.push(c, c.expiresAt);
    }

    /** Removes the lookup entries (ip_vs_conn_unhash); the timer stays. */
    void unhash(IpvsConn c) {
        in.remove(keyA(c.caddr, c.vaddr), keyB(c.protocol, c.cport, c.vport, c.isTemplate()), c);
        if (!c.isTemplate()) out.remove(keyA(c.daddr, c.caddr), keyB(c.protocol, c.dport, c.cport, false), c);
    }

    void remove(IpvsConn c) {
        unhash(c);
        c.queuedAt = IpvsConn.NOT_QUEUED; // its heap entries are stale from now on
        if (c.linked) {
            c.linked = false;
            if (c.prev == null) head = c.next; else c.prev.next = c.next;
            if (c.next == null) tail = c.prev; else c.next.prev = c.prev;
            c.prev = c.next = null;
            size--;
        }
    }

    /** mod_timer: a connection whose timer is pending now expires at {@code at}; one being fired just gets the new time. */
    void setTimer(IpvsConn c, long at) {
        c.expiresAt = at;
        if (c.queuedAt != IpvsConn.NOT_QUEUED && at < c.queuedAt) timers.push(c, at);
    }

    /** ip_vs_conn_in_get: the packet's saddr/sport/daddr/dport as caddr/cport/vaddr/vport. */
    public IpvsConn inGet(int protocol, int saddr, int sport, int daddr, int dport) {
        return in.get(keyA(saddr, daddr), keyB(protocol, sport, dport, false));
    }

    /** ip_vs_conn_out_get: a packet from the real server (saddr = daddr of the conn) to the client. */
    public IpvsConn outGet(int protocol, int saddr, int sport, int daddr, int dport) {
        return out.get(keyA(saddr, daddr), keyB(protocol, sport, dport, false));
    }

    /** ip_vs_ct_in_get: a persistence template. */
    IpvsConn templateGet(int protocol, int caddr, int vaddr, int vport) {
        IpvsConn c = in.get(keyA(caddr, vaddr), keyB(protocol, 0, vport, true));
        return c == null || c.invalidated ? null : c;
    }

    /** Fires every timer due at or before now, earliest first (a fired timer may re-arm itself). */
    void expire(long now, Consumer<IpvsConn> fire) {
        while (!timers.isEmpty() && timers.firstTime() <= now) {
            long t = timers.firstTime(), seq = timers.firstSeq();
            IpvsConn c = timers.pop();
            if (c.queuedAt == IpvsConn.NOT_QUEUED || c.queuedSeq != seq) continue; // stale: removed, or re-armed earlier
            c.queuedAt = IpvsConn.NOT_QUEUED;
            if (c.expiresAt != t) {
                timers.push(c, c.expiresAt); // re-armed later since it was queued: not due at t
                continue;
            }
            fire.accept(c);
            if (!c.expired && c.linked && c.queuedAt == IpvsConn.NOT_QUEUED) timers.push(c, c.expiresAt);
        }
    }

    /** All connections and templates, in creation order. */
    public List<IpvsConn> all() {
        List<IpvsConn> l = new ArrayList<>(size);
        for (IpvsConn c = head; c != null; c = c.next) l.add(c);
        return List.copyOf(l);
    }

    public int size() {
        return size;
    }

    /** Pending timer entries, stale ones included (tests: bounded by the live connections plus re-arms to earlier times). */
    int timerEntries() {
        return timers.size;
    }

    /**
     * A binary min-heap of (time, connection) ordered by time, then by the connection's creation.
     * The creation ids sit in their own array beside the times, so that sifting compares numbers
     * in two arrays and never dereferences a connection (one cache miss each on a big table).
     */
    static final class TimerHeap {
        private long[] times = new long[64];
        private long[] ids = new long[64];
        private long[] seqs = new long[64];
        private IpvsConn[] conns = new IpvsConn[64];
        private long nextSeq;
        int size;

        boolean isEmpty() {
            return size == 0;
        }

        long firstTime() {
            return times[0];
        }

        long firstSeq() {
            return seqs[0];
        }

        void push(IpvsConn c, long t) {
            long seq = ++nextSeq;
            c.queuedAt = t;
            c.queuedSeq = seq;
            if (size == times.length) {
                times = java.util.Arrays.copyOf(times, size * 2);
                ids = java.util.Arrays.copyOf(ids, size * 2);
                seqs = java.util.Arrays.copyOf(seqs, size * 2);
                conns = java.util.Arrays.copyOf(conns, size * 2);
            }
            long id = c.id;
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!less(t, id, times[p], ids[p])) break;
                times[i] = times[p];
                ids[i] = ids[p];
                seqs[i] = seqs[p];
                conns[i] = conns[p];
                i = p;
            }
            times[i] = t;
            ids[i] = id;
            seqs[i] = seq;
            conns[i] = c;
        }

        IpvsConn pop() {
            IpvsConn top = conns[0];
            int n = --size;
            long t = times[n], id = ids[n], seq = seqs[n];
            IpvsConn c = conns[n];
            conns[n] = null;
            if (n > 0) {
                int i = 0;
                while (true) {
                    int l = 2 * i + 1;
                    if (l >= n) break;
                    int r = l + 1;
                    int m = r < n && less(times[r], ids[r], times[l], ids[l]) ? r : l;
                    if (!less(times[m], ids[m], t, id)) break;
                    times[i] = times[m];
                    ids[i] = ids[m];
                    seqs[i] = seqs[m];
                    conns[i] = conns[m];
                    i = m;
                }
                times[i] = t;
                ids[i] = id;
                seqs[i] = seq;
                conns[i] = c;
            }
            return top;
        }

        private static boolean less(long t1, long id1, long t2, long id2) {
            return t1 < t2 || (t1 == t2 && id1 < id2);
        }
    }
}
