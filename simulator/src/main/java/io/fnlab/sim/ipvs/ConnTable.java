package io.fnlab.sim.ipvs;

import io.fnlab.sim.lib.LongPairMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * ip_vs_conn_tab: as in the kernel, each connection and template is hashed once, by protocol and
 * client address and port (ip_vs_conn_hashkey_param), and the bucket's chain is walked comparing
 * the rest: ip_vs_conn_in_get matches the virtual side (a packet from the client),
 * ip_vs_conn_out_get the real-server side (a packet from the real server to the client, whose
 * destination is the client), ip_vs_ct_in_get a persistence template (cport 0). The newest entry
 * heads its chain (hlist_add_head), so a lookup finds the most recently hashed match. The bucket
 * is found by the key's numbers, without a key object.
 *
 * <p>Timers: the kernel re-arms a connection's timer on every packet (ip_vs_conn_put: mod_timer)
 * and its timer wheel makes that O(1). Here a re-arm only writes the connection's expiry; the
 * timers ({@link TimerWheel}: a wheel of millisecond buckets feeding a small due heap) hold at
 * most one live entry per connection, at or before its expiry, and an entry that comes due early
 * is moved to the connection's current expiry instead of firing. Only a re-arm
 * to an earlier time (a shorter state timeout, expire-now) adds an entry; the older one is then
 * stale and dropped when it comes up. {@link #expire(long, Consumer)} fires due timers in order
 * of expiry, then of creation, as the sorted set this replaced did.
 */
public final class ConnTable {
    /** Chain heads by (client address, protocol and client port); the chain runs through IpvsConn.hnext. */
    private final LongPairMap<IpvsConn> buckets = new LongPairMap<>();
    private final TimerWheel timers = new TimerWheel();
    /** Every connection and template in creation order: an intrusive list through IpvsConn.prev/next. */
    private IpvsConn head, tail;
    private int size;

    private static long keyB(int protocol, int cport) {
        return (long) (protocol & 0xff) << 32 | (cport & 0xffffffffL);
    }

    /** ip_vs_conn_hash: at the head of its bucket's chain, once (IP_VS_CONN_F_HASHED). */
    void hash(IpvsConn c) {
        if (!c.hashed) {
            long b = keyB(c.protocol, c.cport);
            c.hnext = buckets.put(c.caddr, b, c);
            c.hashed = true;
        }
        if (!c.linked) {
            c.linked = true;
            c.prev = tail;
            c.next = null;
            if (tail == null) head = c; else tail.next = c;
            tail = c;
            size++;
            takeSlot(c);
        }
        if (queuedAt(c) == IpvsConn.NOT_QUEUED) push(c, c.expiresAt);
    }

    /** Removes the lookup entry (ip_vs_conn_unhash); the timer stays. */
    void unhash(IpvsConn c) {
        if (!c.hashed) return;
        c.hashed = false;
        long b = keyB(c.protocol, c.cport);
        IpvsConn first = buckets.get(c.caddr, b);
        if (first == c) {
            if (c.hnext == null) buckets.remove(c.caddr, b, c);
            else buckets.put(c.caddr, b, c.hnext);
        } else {
            for (IpvsConn p = first; p != null; p = p.hnext) {
                if (p.hnext == c) {
                    p.hnext = c.hnext;
                    break;
                }
            }
        }
        c.hnext = null;
    }

    void remove(IpvsConn c) {
        unhash(c);
        if (c.linked) {
            c.linked = false;
            if (c.prev == null) head = c.next; else c.prev.next = c.next;
            if (c.next == null) tail = c.prev; else c.next.prev = c.prev;
            c.prev = c.next = null;
            size--;
            freeSlot(c); // its heap entries are stale from now on
        }
    }

    /** mod_timer: a connection whose timer is pending now expires at {@code at}; one being fired just gets the new time. */
    void setTimer(IpvsConn c, long at) {
        c.expiresAt = at;
        long q = queuedAt(c);
        if (q != IpvsConn.NOT_QUEUED && at < q) push(c, at);
    }

    // ---- timer bookkeeping in dense arrays ----
    // Each linked connection owns a slot: its id, the time of its live heap entry (or NOT_QUEUED)
    // and itself. Deciding that a heap entry is stale then reads these arrays (small enough to stay
    // in the CPU cache) instead of the connection, which on a big table is a cache miss for every
    // stale entry: a connection reset after its SYN leaves one.
    private long[] slotId = new long[64];
    private long[] slotQueued = new long[64];
    private IpvsConn[] slotConn = new IpvsConn[64];
    private int[] freeSlots = new int[64];
    private int freeCount, slotsUsed;

    private void takeSlot(IpvsConn c) {
        int s;
        if (freeCount > 0) {
            s = freeSlots[--freeCount];
        } else {
            s = slotsUsed++;
            if (s == slotId.length) {
                slotId = java.util.Arrays.copyOf(slotId, s * 2);
                slotQueued = java.util.Arrays.copyOf(slotQueued, s * 2);
                slotConn = java.util.Arrays.copyOf(slotConn, s * 2);
            }
        }
        c.slot = s;
        slotId[s] = c.id;
        slotQueued[s] = IpvsConn.NOT_QUEUED;
        slotConn[s] = c;
    }

    private void freeSlot(IpvsConn c) {
        int s = c.slot;
        if (s < 0) return;
        slotId[s] = 0; // ids start at 1: no heap entry matches a free slot
        slotQueued[s] = IpvsConn.NOT_QUEUED;
        slotConn[s] = null;
        if (freeCount == freeSlots.length) freeSlots = java.util.Arrays.copyOf(freeSlots, freeCount * 2);
        freeSlots[freeCount++] = s;
        c.slot = -1;
    }

    /** The time of the connection's live heap entry, NOT_QUEUED when it has none (or is not in the table). */
    private long queuedAt(IpvsConn c) {
        return c.slot < 0 ? IpvsConn.NOT_QUEUED : slotQueued[c.slot];
    }

    private void push(IpvsConn c, long t) {
        slotQueued[c.slot] = t;
        timers.push(t, c.id, c.slot);
    }

    /** ip_vs_conn_in_get: the packet's saddr/sport/daddr/dport as caddr/cport/vaddr/vport. */
    public IpvsConn inGet(int protocol, int saddr, int sport, int daddr, int dport) {
        for (IpvsConn c = buckets.get(saddr, keyB(protocol, sport)); c != null; c = c.hnext)
            if (c.caddr == saddr && c.cport == sport && c.vaddr == daddr && c.vport == dport && c.protocol == protocol && !c.isTemplate())
                return c;
        return null;
    }

    /** ip_vs_conn_out_get: a packet from the real server (saddr = daddr of the conn) to the client. */
    public IpvsConn outGet(int protocol, int saddr, int sport, int daddr, int dport) {
        for (IpvsConn c = buckets.get(daddr, keyB(protocol, dport)); c != null; c = c.hnext)
            if (c.daddr == saddr && c.dport == sport && c.caddr == daddr && c.cport == dport && c.protocol == protocol && !c.isTemplate())
                return c;
        return null;
    }

    /** ip_vs_ct_in_get: a persistence template. */
    IpvsConn templateGet(int protocol, int caddr, int vaddr, int vport) {
        for (IpvsConn c = buckets.get(caddr, keyB(protocol, 0)); c != null; c = c.hnext)
            // an invalidated template (ip_vs_check_template sets its ports to 0xffff) matches no more
            if (c.isTemplate() && !c.invalidated && c.caddr == caddr && c.cport == 0 && c.vaddr == vaddr && c.vport == vport
                    && c.protocol == protocol) return c;
        return null;
    }

    /** Fires every timer due at or before now, earliest first (a fired timer may re-arm itself). */
    void expire(long now, Consumer<IpvsConn> fire) {
        TimerHeap due = timers.due;
        while (timers.advance(now)) {
            long t = due.firstTime(), id = due.firstId();
            int s = due.pop();
            timers.size--;
            // stale: the connection left the table (its slot is free or another's), or was re-armed
            // to an earlier time; re-arms only ever move a timer earlier and a fired timer comes back
            // later, so a second entry at the same time for the same connection is popped right after
            // the first and finds the slot's time changed
            if (slotId[s] != id || slotQueued[s] != t) continue;
            IpvsConn c = slotConn[s];
            slotQueued[s] = IpvsConn.NOT_QUEUED;
            if (c.expiresAt != t) {
                push(c, c.expiresAt); // re-armed later since it was queued: not due at t
                continue;
            }
            fire.accept(c);
            if (!c.expired && c.linked && queuedAt(c) == IpvsConn.NOT_QUEUED) push(c, c.expiresAt);
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
     * The kernel's timer wheel, in the small: future timers wait in buckets by their millisecond
     * (time modulo {@link #SPAN}; a timer further out than one turn stays in its bucket until its
     * turn comes), so arming one is an append. When the clock reaches a tick, that bucket's timers
     * for the tick move into {@link #due}, a heap that orders them by time and creation; a timer
     * armed for a tick already reached goes straight there. A heap over every pending timer cost a
     * cache miss per level on a big table.
     */
    static final class TimerWheel {
        static final int SPAN = 4096;
        /** Per bucket: time, creation id and slot of each timer side by side (one cache line per look, not three). */
        private final long[][] buckets = new long[SPAN][];
        private final int[] counts = new int[SPAN];
        /** Every tick up to this one has been moved into due. */
        private long reached = Long.MIN_VALUE;
        private int inWheel;
        /** Entries, stale ones included (in the wheel and in due). */
        int size;
        final TimerHeap due = new TimerHeap();

        void push(long t, long id, int slot) {
            size++;
            if (reached == Long.MIN_VALUE) reached = t - 1;
            if (t <= reached) {
                due.push(t, id, slot);
                return;
            }
            int b = (int) Math.floorMod(t, (long) SPAN);
            int n = counts[b];
            long[] e = buckets[b];
            if (e == null) buckets[b] = e = new long[3 * 4];
            else if (3 * n == e.length) buckets[b] = e = java.util.Arrays.copyOf(e, e.length * 2);
            e[3 * n] = t;
            e[3 * n + 1] = id;
            e[3 * n + 2] = slot;
            counts[b] = n + 1;
            inWheel++;
        }

        /** Moves ticks up to now into due until one holds a timer; true when due has one (at or before now). */
        boolean advance(long now) {
            if (due.isEmpty() && inWheel > 0 && now - reached > SPAN) {
                // the clock jumped past a whole turn (all-packets moves it 200 s per class): one pass
                // over every bucket moves what is due by now, instead of visiting every tick
                for (int b = 0; b < SPAN; b++) drain(b, now);
                reached = now;
            }
            while (due.isEmpty() && reached < now) {
                if (inWheel == 0) {
                    reached = now; // nothing waits: no tick to visit
                    break;
                }
                long tick = ++reached;
                drain((int) Math.floorMod(tick, (long) SPAN), tick);
            }
            return !due.isEmpty() && due.firstTime() <= now;
        }

        /** Moves the bucket's timers due at or before upTo into due; the rest (later turns of the wheel) stay. */
        private void drain(int b, long upTo) {
            int n = counts[b];
            if (n == 0) return;
            long[] e = buckets[b];
            int keep = 0;
            for (int k = 0; k < n; k++) {
                if (e[3 * k] <= upTo) {
                    due.push(e[3 * k], e[3 * k + 1], (int) e[3 * k + 2]);
                    inWheel--;
                } else {
                    e[3 * keep] = e[3 * k];
                    e[3 * keep + 1] = e[3 * k + 1];
                    e[3 * keep + 2] = e[3 * k + 2];
                    keep++;
                }
            }
            counts[b] = keep;
        }
    }

    /**
     * A 4-ary min-heap of (time, creation id, slot) ordered by time, then by creation. Time and id
     * sit side by side in one array, so that a sift compares the four children of a node within a
     * cache line or two and never dereferences a connection; with four children the heap is half
     * as deep as a binary one (each level is a likely cache miss on a big table).
     */
    static final class TimerHeap {
        /** time at 2i, creation id at 2i+1. */
        private long[] kv = new long[128];
        private int[] slots = new int[64];
        int size;

        boolean isEmpty() {
            return size == 0;
        }

        long firstTime() {
            return kv[0];
        }

        long firstId() {
            return kv[1];
        }

        void push(long t, long id, int slot) {
            if (size == slots.length) {
                kv = java.util.Arrays.copyOf(kv, size * 4);
                slots = java.util.Arrays.copyOf(slots, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 2;
                if (!less(t, id, kv[2 * p], kv[2 * p + 1])) break;
                kv[2 * i] = kv[2 * p];
                kv[2 * i + 1] = kv[2 * p + 1];
                slots[i] = slots[p];
                i = p;
            }
            kv[2 * i] = t;
            kv[2 * i + 1] = id;
            slots[i] = slot;
        }

        /** Removes the first entry and returns its slot. */
        int pop() {
            int top = slots[0];
            int n = --size;
            long t = kv[2 * n], id = kv[2 * n + 1];
            int c = slots[n];
            if (n > 0) {
                int i = 0;
                while (true) {
                    int first = 4 * i + 1;
                    if (first >= n) break;
                    int m = first, last = Math.min(first + 4, n);
                    for (int k = first + 1; k < last; k++) if (less(kv[2 * k], kv[2 * k + 1], kv[2 * m], kv[2 * m + 1])) m = k;
                    if (!less(kv[2 * m], kv[2 * m + 1], t, id)) break;
                    kv[2 * i] = kv[2 * m];
                    kv[2 * i + 1] = kv[2 * m + 1];
                    slots[i] = slots[m];
                    i = m;
                }
                kv[2 * i] = t;
                kv[2 * i + 1] = id;
                slots[i] = c;
            }
            return top;
        }

        private static boolean less(long t1, long id1, long t2, long id2) {
            return t1 < t2 || (t1 == t2 && id1 < id2);
        }
    }
}
