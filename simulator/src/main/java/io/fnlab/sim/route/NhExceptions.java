package io.fnlab.sim.route;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.route.Route;
import java.util.HashMap;
import java.util.Map;

/**
 * Next-hop exceptions (struct fib_nh_exception, route.c update_or_create_fnhe / find_exception):
 * what an accepted ICMP redirect leaves behind. The exception hangs on the route (nexthop) the
 * destination used and holds the new gateway for that one destination; every later route lookup
 * for it through the same route, output or forward, uses that gateway (rt_set_nexthop) until it
 * expires (ip_rt_gc_timeout, 300 s). Empty on almost every host: the lookups then pay one check.
 */
public final class NhExceptions {
    /** ip_rt_gc_timeout: RT_GC_TIMEOUT = 300 s. */
    public static final long GC_TIMEOUT_MS = 300_000;

    /** One exception: the route it hangs on (table and text), the new gateway, who advised it, when it expires. */
    public record Fnhe(String table, String route, int daddr, int gateway, int advisedBy, long expiresAt) {}

    private final Map<Integer, Fnhe> byDaddr = new HashMap<>();

    public boolean isEmpty() {
        return byDaddr.isEmpty();
    }

    /** update_or_create_fnhe: the exception for daddr on route r now sends it to gateway. */
    public void update(RouteResult r, int daddr, int gateway, int advisedBy, long now) {
        byDaddr.put(daddr, new Fnhe(r.table(), r.text(), daddr, gateway, advisedBy, now + GC_TIMEOUT_MS));
    }

    /** find_exception for r's nexthop and daddr (an expired one is removed); null when none. */
    public Fnhe find(RouteResult r, int daddr, long now) {
        if (byDaddr.isEmpty() || r == null || r.type() != Route.Type.UNICAST) return null;
        Fnhe f = byDaddr.get(daddr);
        if (f == null) return null;
        if (now > f.expiresAt()) {
            byDaddr.remove(daddr);
            return null;
        }
        return f.table().equals(r.table()) && f.route().equals(r.text()) ? f : null;
    }

    /** rt_set_nexthop with an exception: the same route through the exception's gateway. */
    public static RouteResult apply(RouteResult r, Fnhe f) {
        return new RouteResult(r.type(), r.dev(), f.gateway(), r.prefsrc(), r.table(), r.text());
    }

    public Map<Integer, Fnhe> entries() {
        return Map.copyOf(byDaddr);
    }

    /** As `ip route get` shows a redirected destination's cache entry. */
    public static String describe(Fnhe f) {
        return new Ipv4(f.daddr()) + " via " + new Ipv4(f.gateway()) + " (redirected by " + new Ipv4(f.advisedBy())
                + ", route " + f.route() + ")";
    }
}
