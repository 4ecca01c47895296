package io.fnlab.sim.route;

import io.fnlab.model.route.Route;

/**
 * The outcome of a FIB lookup (struct fib_result, reduced): the route type, the output device,
 * the gateway (0 = on-link), the preferred source, the table and the route as `ip route` prints it.
 * It is what skb.dst holds once a packet is routed.
 */
public record RouteResult(Route.Type type, String dev, int gateway, int prefsrc, String table, String text) {
    /** The address ARP resolves: the gateway, or the destination itself when on-link (rt_nexthop). */
    public int nextHop(int daddr) {
        return gateway != 0 ? gateway : daddr;
    }

    public boolean isLocal() {
        return type == Route.Type.LOCAL;
    }

    public boolean isError() {
        return type == Route.Type.BLACKHOLE || type == Route.Type.UNREACHABLE || type == Route.Type.PROHIBIT;
    }
}
