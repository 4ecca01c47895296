package io.fnlab.sim.ipvs;

// The connection table as it was before the primitive-keyed tables and the lazy timer heap (kept as the reference of ConnTablePropertyTest),
// with the kernel's bucket semantics: a key holds every connection hashed under it, newest first (hlist_add_head), and
// unhashing one leaves the others findable.

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * ip_vs_conn_tab: connections found by their client side (ip_vs_conn_in_get: protocol, caddr, cport,
 * vaddr, vport), by their real-server side (ip_vs_conn_out_get: protocol, daddr, dport, caddr,
 * cport), and templates (ip_vs_ct_in_get). Timers are kept in expiry order so that
 * {@link #expire(long, Consumer)} fires them in the order the kernel's timers would.
 */
final class ReferenceConnTable {
    record Key(int protocol, int a1, int p1, int a2, int p2, boolean template) {}

    private final Map<Key, java.util.Deque<IpvsConn>> in = new HashMap<>();
    private final Map<Key, java.util.Deque<IpvsConn>> out = new HashMap<>();
    private final TreeSet<IpvsConn> timers =
            new TreeSet<>(Comparator.comparingLong((IpvsConn c) -> c.expiresAt).thenComparingLong(c -> c.id));
    private final java.util.LinkedHashSet<IpvsConn> all = new java.util.LinkedHashSet<>();

    static Key inKey(IpvsConn c) {
        return new Key(c.protocol, c.caddr, c.cport, c.vaddr, c.vport, c.isTemplate());
    }

    static Key outKey(IpvsConn c) {
        return new Key(c.protocol, c.daddr, c.dport, c.caddr, c.cport, false);
    }

    void hash(IpvsConn c) {
        java.util.Deque<IpvsConn> d = in.computeIfAbsent(inKey(c), k -> new java.util.ArrayDeque<>());
        if (!d.contains(c)) d.addFirst(c);
        if (!c.isTemplate()) {
            java.util.Deque<IpvsConn> o = out.computeIfAbsent(outKey(c), k -> new java.util.ArrayDeque<>());
            if (!o.contains(c)) o.addFirst(c);
        }
        all.add(c);
        timers.add(c);
    }

    /** Removes the lookup entries (ip_vs_conn_unhash); the timer stays. */
    void unhash(IpvsConn c) {
        java.util.Deque<IpvsConn> d = in.get(inKey(c));
        if (d != null) d.remove(c);
        if (!c.isTemplate() && out.get(outKey(c)) != null) out.get(outKey(c)).remove(c);
    }

    void remove(IpvsConn c) {
        unhash(c);
        timers.remove(c);
        all.remove(c);
    }

    void setTimer(IpvsConn c, long at) {
        boolean had = timers.remove(c);
        c.expiresAt = at;
        if (had) timers.add(c);
    }

    /** ip_vs_conn_in_get: the packet's saddr/sport/daddr/dport as caddr/cport/vaddr/vport. */
    public IpvsConn inGet(int protocol, int saddr, int sport, int daddr, int dport) {
        return first(in.get(new Key(protocol, saddr, sport, daddr, dport, false)));
    }

    /** ip_vs_conn_out_get: a packet from the real server (saddr = daddr of the conn) to the client. */
    public IpvsConn outGet(int protocol, int saddr, int sport, int daddr, int dport) {
        return first(out.get(new Key(protocol, saddr, sport, daddr, dport, false)));
    }

    /** ip_vs_ct_in_get: a persistence template. */
    IpvsConn templateGet(int protocol, int caddr, int vaddr, int vport) {
        java.util.Deque<IpvsConn> d = in.get(new Key(protocol, caddr, 0, vaddr, vport, true));
        if (d != null) for (IpvsConn c : d) if (!c.invalidated) return c;
        return null;
    }

    private static IpvsConn first(java.util.Deque<IpvsConn> d) {
        return d == null ? null : d.peekFirst();
    }

    /** Fires every timer due at or before now, earliest first (a fired timer may re-arm itself). */
    void expire(long now, Consumer<IpvsConn> fire) {
        while (!timers.isEmpty() && timers.first().expiresAt <= now) {
            IpvsConn c = timers.pollFirst();
            fire.accept(c);
            if (!c.expired && !timers.contains(c)) timers.add(c);
        }
    }

    /** All connections and templates, in creation order. */
    public List<IpvsConn> all() {
        return List.copyOf(all);
    }

    public int size() {
        return all.size();
    }
}
