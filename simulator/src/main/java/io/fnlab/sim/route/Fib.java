package io.fnlab.sim.route;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.PolicyRule;
import io.fnlab.model.route.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host's routing tables and policy rules (net/ipv4/fib_frontend.c, fib_rules.c, fib_trie.c).
 * The local table is filled from the addresses as fib_add_ifaddr does (a local route per address,
 * 127.0.0.0/8 on lo), the main table gets the connected prefix routes; the default rules are
 * 0 local, 32766 main, 32767 default.
 */
public final class Fib {
    private final Map<String, List<Route>> tables = new LinkedHashMap<>();
    private final List<PolicyRule> rules = new ArrayList<>();
    /** Per table, the routes hashed by prefix length and network (see {@link LpmIndex}). */
    private final Map<String, LpmIndex> index = new java.util.HashMap<>();
    /** {@link #text(Route)} of every route, built once: a lookup must not format strings. */
    private final Map<Route, String> texts = new java.util.IdentityHashMap<>();

    public Fib(List<Address> addresses, List<Route> routes, List<PolicyRule> extraRules) {
        add(new Route(Route.Type.LOCAL, Prefix.parse("127.0.0.0/8"), null, "lo", Ipv4.parse("127.0.0.1"), 0, "local",
                Address.Scope.HOST));
        for (Address a : addresses) {
            add(new Route(Route.Type.LOCAL, Prefix.host(a.prefix().address()), null, a.device(), a.prefix().address(), 0,
                    "local", Address.Scope.HOST));
            // fib_add_ifaddr: the subnet route, unless /32 or on lo (lo's 127/8 is in local already)
            if (a.prefix().length() < 32 && !a.device().equals("lo")) {
                add(new Route(Route.Type.UNICAST, a.prefix().network(), null, a.device(), a.prefix().address(), 0, "main",
                        Address.Scope.LINK));
            }
        }
        for (Route r : routes) add(r);
        rules.add(new PolicyRule(0, false, null, null, null, null, null, null, "local"));
        rules.addAll(extraRules);
        rules.add(new PolicyRule(32766, false, null, null, null, null, null, null, "main"));
        rules.add(new PolicyRule(32767, false, null, null, null, null, null, null, "default"));
        rules.sort(Comparator.comparingInt(PolicyRule::priority)); // stable: equal priorities keep order
        for (PolicyRule r : rules) {
            rulesUseFrom |= r.from() != null;
            rulesUseMark |= r.fwmark() != null;
            rulesUseIif |= r.iif() != null;
        }
    }

    /**
     * Answers of {@link #lookup} by what they can depend on: the tables and rules do not change
     * after construction, so an answer once found holds (the kernel cached routes per destination
     * until 3.6, and caches them on sockets and in nexthop exceptions since). The source, mark and
     * input device are part of the key only when some rule selects on them; the output device
     * always is (it filters routes). Bounded: emptied when it holds {@link #CACHE_LIMIT} answers.
     */
    private io.fnlab.sim.lib.LongPairMap<RouteResult> cache = new io.fnlab.sim.lib.LongPairMap<>();
    private static final int CACHE_LIMIT = 1 << 20;
    /** The cached "no route" (null) answer. */
    private static final RouteResult NO_ROUTE = new RouteResult(Route.Type.UNREACHABLE, null, 0, 0, null, null);
    private boolean rulesUseFrom, rulesUseMark, rulesUseIif;
    private final Map<String, Integer> deviceIds = new java.util.HashMap<>();

    private long deviceId(String dev) {
        if (dev == null) return 0;
        Integer id = deviceIds.get(dev);
        if (id == null) {
            id = deviceIds.size() + 1;
            deviceIds.put(dev, id);
        }
        return id & 0xffffL;
    }

    private void add(Route r) {
        String t = r.table() == null || r.table().equals("254") ? "main" : r.table().equals("255") ? "local" : r.table();
        tables.computeIfAbsent(t, k -> new ArrayList<>()).add(r);
        index.computeIfAbsent(t, k -> new LpmIndex()).add(r);
        texts.put(r, text(r));
    }

    /**
     * Longest-prefix match by hashing: one hash map per prefix length present, probed from the
     * longest length down, each bucket holding the routes of one network in the order they were
     * added. The kernel uses an LC-trie (fib_trie.c) for the same answer; what matters here is that
     * a lookup costs O(prefix lengths in use), not O(routes): a kube-proxy IPVS node has one local
     * route per service address on kube-ipvs0.
     */
    private static final class LpmIndex {
        final java.util.TreeMap<Integer, java.util.HashMap<Integer, List<Route>>> byLength =
                new java.util.TreeMap<>(Comparator.reverseOrder());
        int[] lengths = new int[0];
        java.util.HashMap<Integer, List<Route>>[] maps;

        @SuppressWarnings("unchecked")
        void add(Route r) {
            int len = r.destination().length();
            int net = r.destination().address().bits() & Prefix.maskOf(len);
            byLength.computeIfAbsent(len, k -> new java.util.HashMap<>()).computeIfAbsent(net, k -> new ArrayList<>(1)).add(r);
            lengths = byLength.keySet().stream().mapToInt(Integer::intValue).toArray();
            maps = byLength.values().toArray(new java.util.HashMap[0]);
        }
    }

    public List<PolicyRule> rules() {
        return List.copyOf(rules);
    }

    public Map<String, List<Route>> tables() {
        return tables;
    }

    /**
     * fib_lookup: walk the rules by priority; a rule's table that has no matching route, or whose
     * match is a THROW route, passes to the next rule. Returns null when nothing matched (ENETUNREACH).
     */
    public RouteResult lookup(int daddr, int saddr, long mark, String iif, String oif) {
        long a = (long) daddr << 32 | (rulesUseFrom ? saddr & 0xffffffffL : 0);
        long b = (rulesUseMark ? (mark & 0xffffffffL) << 32 : 0) | (rulesUseIif ? deviceId(iif) << 16 : 0) | deviceId(oif);
        RouteResult r = cache.get(a, b);
        if (r == null) {
            r = lookupRules(daddr, saddr, mark, iif, oif);
            if (cache.size() >= CACHE_LIMIT) cache = new io.fnlab.sim.lib.LongPairMap<>();
            cache.put(a, b, r == null ? NO_ROUTE : r);
        }
        return r == NO_ROUTE ? null : r;
    }

    /** {@link #lookup} without the cache: the rules in priority order over the tables. */
    RouteResult lookupRules(int daddr, int saddr, long mark, String iif, String oif) {
        for (PolicyRule rule : rules) {
            if (!ruleMatches(rule, daddr, saddr, mark, iif, oif)) continue;
            String t = rule.table() == null ? "main" : rule.table();
            Route r = lookupTable(t, daddr, oif);
            if (r == null || r.type() == Route.Type.THROW) continue;
            int pref = r.src() == null ? 0 : r.src().bits();
            String dev = r.device();
            if (dev == null && r.via() != null) {
                // fib_check_nh: `via GW` without `dev` takes the device of the on-link route to GW
                dev = onLinkDevice(r.via().bits());
                if (dev == null) continue; // not reached: lookupTable skips such routes
            }
            return new RouteResult(r.type(), dev, r.via() == null ? 0 : r.via().bits(), pref, t, texts.get(r));
        }
        return null;
    }

    /** The device of the most specific connected (link-scope, no gateway) route holding gw, in main or local. */
    String onLinkDevice(int gw) {
        Route best = null;
        for (String t : List.of("main", "local")) {
            for (Route r : tables.getOrDefault(t, List.of())) {
                if (r.via() != null || r.device() == null || r.type() != Route.Type.UNICAST) continue;
                if (!r.destination().contains(new Ipv4(gw))) continue;
                if (best == null || r.destination().length() > best.destination().length()) best = r;
            }
        }
        return best == null ? null : best.device();
    }

    /**
     * ip_fib_check_default(gw, dev) == 0: some route of any table has gw as its gateway through
     * dev (secure_redirects accepts only such a gateway).
     */
    public boolean isGatewayOn(int gw, String dev) {
        for (List<Route> l : tables.values()) {
            for (Route r : l) {
                if (r.via() == null || r.via().bits() != gw) continue;
                String d = r.device() != null ? r.device() : onLinkDevice(gw);
                if (dev.equals(d)) return true;
            }
        }
        return false;
    }

    /** fib_rule_match: iif/oif, fwmark/mask, from/to, then the rule's `not`. */
    static boolean ruleMatches(PolicyRule r, int daddr, int saddr, long mark, String iif, String oif) {
        boolean m = true;
        if (r.from() != null && !r.from().contains(new Ipv4(saddr))) m = false;
        if (r.to() != null && !r.to().contains(new Ipv4(daddr))) m = false;
        if (r.fwmark() != null) {
            long mask = r.fwmask() == null ? 0xffffffffL : r.fwmask();
            if (((mark ^ r.fwmark()) & mask) != 0) m = false;
        }
        if (r.iif() != null && !r.iif().equals(iif)) m = false;
        if (r.oif() != null && !r.oif().equals(oif)) m = false;
        return r.not() != m;
    }

    /** Longest prefix match, then the lowest metric (fib_table_lookup; first added wins a tie). */
    Route lookupTable(String table, int daddr, String oif) {
        LpmIndex ix = index.get(table);
        if (ix == null) return null;
        for (int i = 0; i < ix.lengths.length; i++) {
            List<Route> l = ix.maps[i].get(daddr & Prefix.maskOf(ix.lengths[i]));
            if (l == null) continue;
            Route best = null;
            for (Route r : l) {
                // the kernel refuses `via GW` without dev when GW is not on-link ("Nexthop has invalid gateway")
                if (r.device() == null && r.via() != null && onLinkDevice(r.via().bits()) == null) continue;
                if (oif != null && r.device() != null && !r.device().equals(oif) && r.type() == Route.Type.UNICAST) continue;
                if (best == null || r.metric() < best.metric()) best = r;
            }
            if (best != null) return best;
        }
        return null;
    }

    public static String text(Route r) {
        StringBuilder b = new StringBuilder();
        if (r.type() != Route.Type.UNICAST) b.append(r.type().name().toLowerCase(java.util.Locale.ROOT)).append(' ');
        Prefix d = r.destination();
        b.append(d.length() == 0 ? "default" : d.length() == 32 ? d.address().toString() : d.network().toString());
        if (r.via() != null) b.append(" via ").append(r.via());
        if (r.device() != null) b.append(" dev ").append(r.device());
        if (r.src() != null) b.append(" src ").append(r.src());
        if (r.metric() != 0) b.append(" metric ").append(r.metric());
        return b.toString();
    }
}
