package io.fnlab.model.format.iproute;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The routes the kernel derives from addresses (net/ipv4/fib_frontend.c fib_add_ifaddr), the
 * kernel's per-device address order and secondary flag (devinet.c __inet_insert_ifa), and
 * the FIB dump order (fib_trie.c): by network, longer prefixes first, then by metric.
 */
public final class Fib {
    private Fib() {}

    /** True when an earlier primary address of the same device covers the same subnet. */
    public static boolean[] secondaries(List<Address> addrs) {
        boolean[] sec = new boolean[addrs.size()];
        for (int i = 0; i < addrs.size(); i++) {
            Address a = addrs.get(i);
            for (int j = 0; j < i; j++) {
                Address b = addrs.get(j);
                if (!sec[j] && b.device().equals(a.device()) && sameSubnet(a, b)) {
                    sec[i] = true;
                    break;
                }
            }
        }
        return sec;
    }

    /**
     * The order the kernel keeps a device's addresses in, from the order they were added
     * (__inet_insert_ifa): a new primary goes after the last primary of the same or a wider
     * scope (host, link, global), a secondary at the end. Devices in order of first appearance.
     */
    public static List<Address> kernelOrder(List<Address> added) {
        List<String> devs = new ArrayList<>();
        for (Address a : added) if (!devs.contains(a.device())) devs.add(a.device());
        List<Address> out = new ArrayList<>();
        for (String d : devs) {
            List<Address> l = new ArrayList<>();
            List<Boolean> sec = new ArrayList<>();
            for (Address a : added) {
                if (!a.device().equals(d)) continue;
                int lastPrimary = -1;
                boolean secondary = false;
                for (int j = 0; j < l.size(); j++) {
                    if (!sec.get(j) && scopeValue(a.scope()) <= scopeValue(l.get(j).scope())) lastPrimary = j;
                    if (sameSubnet(l.get(j), a)) secondary = true;
                }
                int pos = secondary ? l.size() : lastPrimary + 1;
                l.add(pos, a);
                sec.add(pos, secondary);
            }
            out.addAll(l);
        }
        return out;
    }

    static boolean sameSubnet(Address a, Address b) {
        return a.prefix().length() == b.prefix().length() && a.prefix().network().equals(b.prefix().network());
    }

    /** Connected routes in table main, "proto kernel scope link src ADDR" (not for loopback devices). */
    public static List<Route> connected(List<Address> addrs) {
        boolean[] sec = secondaries(addrs);
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < addrs.size(); i++) {
            Address a = addrs.get(i);
            Prefix net = a.prefix().network();
            if (sec[i] || a.device().equals("lo") || (net.address().bits() >>> 24) == 0) continue;
            // Not settled: on 6.1 an address in a subnet already connected through another device
            // sometimes gets no prefix route of its own (seen for 10.0.1.3/30 next to 10.0.1.1/30,
            // the subnet's broadcast address, and for a host-scope 10.1.1.3/24); fnlab adds one.
            if (a.prefix().length() == 32) continue;
            out.add(new Route(Route.Type.UNICAST, net, null, a.device(), a.prefix().address(), 0, "main", Address.Scope.LINK));
        }
        return out;
    }

    /** Local-table routes: "local ADDR" (scope host) and the subnet broadcast (scope link). */
    static List<Route> local(List<Address> addrs) {
        boolean[] sec = secondaries(addrs);
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < addrs.size(); i++) {
            Address a = addrs.get(i);
            out.add(new Route(Route.Type.LOCAL, Prefix.host(a.prefix().address()), null, a.device(), a.prefix().address(), 0,
                    "local", Address.Scope.HOST));
            if (!sec[i] && a.prefix().length() < 31)
                out.add(new Route(Route.Type.BROADCAST, Prefix.host(a.prefix().broadcast()), null, a.device(),
                        a.prefix().address(), 0, "local", Address.Scope.LINK));
        }
        return out;
    }

    /** fib_trie dump order (stable: equal keys keep their order). */
    public static final Comparator<Route> DUMP_ORDER = Comparator
            .comparingLong((Route r) -> r.destination().address().unsigned())
            .thenComparing(Comparator.comparingInt((Route r) -> r.destination().length()).reversed())
            .thenComparingLong(r -> r.metric() & 0xffffffffL);

    static int scopeValue(Address.Scope s) {
        return switch (s) {
            case GLOBAL -> 0;
            case LINK -> 253;
            case HOST -> 254;
        };
    }

    /**
     * fib_check_nh_v4_gw: the gateway must resolve, through routes of a narrower scope than the route's own, to a
     * unicast or local route (on dev when given); in the route's own table first, else through
     * the local and main tables. Returns the resolved device, or null when invalid.
     */
    static String gatewayDevice(List<Route> all, Ipv4 gw, String dev, String table, Address.Scope scope) {
        int min = scopeValue(scope) + 1; // fl4.flowi4_scope = cfg->fc_scope + 1
        if (!table.equals("main")) {
            Route r = lookup(all, gw, dev, table, min);
            if (r != null) return ok(r, dev);
        }
        Route r = lookup(all, gw, dev, "local", min);
        if (r == null) r = lookup(all, gw, dev, "main", min);
        if (r == null) r = lookup(all, gw, dev, "default", min);
        return r == null ? null : ok(r, dev);
    }

    private static String ok(Route r, String dev) {
        if (r.type() != Route.Type.UNICAST && r.type() != Route.Type.LOCAL) return null;
        return dev != null ? dev : r.device();
    }

    private static Route lookup(List<Route> all, Ipv4 a, String dev, String table, int minScope) {
        Route best = null;
        for (Route r : all) {
            if (!r.table().equals(table) || !r.destination().contains(a)) continue;
            if (scopeValue(r.scope()) < minScope) continue;
            if (dev != null && r.device() != null && !r.device().equals(dev)) continue;
            if (best == null || r.destination().length() > best.destination().length()
                    || (r.destination().length() == best.destination().length() && Integer.compareUnsigned(r.metric(), best.metric()) < 0))
                best = r;
        }
        return best;
    }
}
