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
        for (LpmIndex ix : index.values()) ix.compile(this);
        ruleIndex = new LpmIndex[rules.size()];
        ruleTable = new String[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            PolicyRule rule = rules.get(i);
            ruleTable[i] = rule.table() == null ? "main" : rule.table();
            ruleIndex[i] = index.get(ruleTable[i]);
        }
    }

    /** Per rule (in priority order), its table's index and name: a lookup does not look tables up by name. */
    private final LpmIndex[] ruleIndex;
    private final String[] ruleTable;

    private void add(Route r) {
        String t = r.table() == null || r.table().equals("254") ? "main" : r.table().equals("255") ? "local" : r.table();
        tables.computeIfAbsent(t, k -> new ArrayList<>()).add(r);
        index.computeIfAbsent(t, k -> new LpmIndex(k)).add(r);
    }

    /**
     * Longest-prefix match by hashing: one open-addressing table per prefix length present, probed
     * from the longest length down; each network's routes are kept in the order they were added.
     * The kernel uses an LC-trie (fib_trie.c) for the same answer; what matters here is that a
     * lookup costs O(prefix lengths in use), not O(routes) (a kube-proxy IPVS node has one local
     * route per service address on kube-ipvs0), and that it touches about one cache line per
     * length: a slot holds the network and its group number in one long, and each route's
     * answer ({@link RouteResult}, with its text) is made once when the tables are complete.
     * There is no per-destination cache (the kernel dropped its routing cache in 3.6).
     */
    private static final class LpmIndex {
        final String table;
        /** While the tables are built: length (longest first) -> network -> routes in the order added. */
        final java.util.TreeMap<Integer, LinkedHashMap<Integer, List<Route>>> byLength = new java.util.TreeMap<>(Comparator.reverseOrder());
        int[] lengths = new int[0];
        int[] masks = new int[0];
        /** Per length: slots of (network << 32 | group + 1), 0 = empty; a power-of-two size. */
        long[][] slots = new long[0][];
        /** Per length, null or the absence bitmap of {@link #filter}. */
        long[][] filters = new long[0][];
        Route[][] groups = new Route[0][];
        /** Per group, the answer for each route; null for a route the kernel would refuse (`via GW` not on-link, no dev). */
        RouteResult[][] answers = new RouteResult[0][];
        /** Per group, its answer when no output device is asked for and it is that of every lookup (a one-route group); else null. */
        RouteResult[] only = new RouteResult[0];

        LpmIndex(String table) {
            this.table = table;
        }

        void add(Route r) {
            int len = r.destination().length();
            int net = r.destination().address().bits() & Prefix.maskOf(len);
            byLength.computeIfAbsent(len, k -> new LinkedHashMap<>()).computeIfAbsent(net, k -> new ArrayList<>(1)).add(r);
        }

        /** Builds the probe tables once every table is complete (answers need on-link devices from main and local). */
        void compile(Fib fib) {
            int n = byLength.size(), g = 0;
            lengths = new int[n];
            masks = new int[n];
            slots = new long[n][];
            filters = new long[n][];
            List<Route[]> gs = new ArrayList<>();
            List<RouteResult[]> as = new ArrayList<>();
            int i = 0;
            for (var e : byLength.entrySet()) {
                lengths[i] = e.getKey();
                masks[i] = Prefix.maskOf(e.getKey());
                int cap = 4;
                while (cap < e.getValue().size() * 2) cap <<= 1;
                long[] t = new long[cap];
                for (var net : e.getValue().entrySet()) {
                    Route[] rs = net.getValue().toArray(new Route[0]);
                    RouteResult[] ans = new RouteResult[rs.length];
                    for (int k = 0; k < rs.length; k++) ans[k] = fib.answer(rs[k], table);
                    gs.add(rs);
                    as.add(ans);
                    int h = slot(net.getKey(), cap);
                    while (t[h] != 0) h = (h + 1) & (cap - 1);
                    t[h] = (long) net.getKey() << 32 | (g++ + 1);
                }
                filters[i] = filter(e.getValue().keySet());
                slots[i++] = t;
            }
            groups = gs.toArray(new Route[0][]);
            answers = as.toArray(new RouteResult[0][]);
            only = new RouteResult[answers.length];
            for (int k = 0; k < answers.length; k++) if (answers[k].length == 1) only[k] = answers[k][0];
        }

        /**
         * For a length with many networks (the local table's /32 per service address), a bitmap of
         * 16 bits per network: a clear bit proves the network absent without touching the probe
         * table, and most lookups on such a node are for addresses that are not local (endpoints,
         * clients). Small tables get none (null).
         */
        private static long[] filter(java.util.Set<Integer> nets) {
            if (nets.size() < 64) return null;
            int bits = 64;
            while (bits < nets.size() * 16) bits <<= 1;
            long[] f = new long[bits / 64];
            for (int net : nets) {
                int b = filterBit(net, bits);
                f[b >>> 6] |= 1L << b;
            }
            return f;
        }

        private static int filterBit(int net, int bits) {
            return (net * 0x2545F491 >>> 7 ^ net) & (bits - 1);
        }

        static int slot(int net, int cap) {
            return (net * 0x9E3779B9 >>> 16 ^ net) & (cap - 1);
        }

        /** The group index of the longest prefix holding daddr from length index i on, or -1; {@code at[0]} gets the length index. */
        int group(int i, int daddr) {
            long[] t = slots[i];
            int net = daddr & masks[i];
            long[] f = filters[i];
            if (f != null) {
                int b = filterBit(net, f.length * 64);
                if ((f[b >>> 6] & 1L << b) == 0) return -1;
            }
            int mask = t.length - 1;
            int h = slot(net, t.length);
            long e;
            while ((e = t[h]) != 0) {
                if ((int) (e >>> 32) == net) return (int) e - 1;
                h = (h + 1) & mask;
            }
            return -1;
        }

        /**
         * The answer for daddr without an output device, THROW included (null: nothing matches).
         * A group of one route answers from {@link #only} without reading its routes: on a node
         * with a local route per service that saves cache misses on every lookup of a service address.
         */
        RouteResult answer(int daddr) {
            for (int i = 0; i < slots.length; i++) {
                int grp = group(i, daddr);
                if (grp < 0) continue;
                RouteResult one = only[grp];
                if (one != null) return one;
                long b = bestIn(grp, null);
                if (b >= 0) return answers[grp][(int) b];
            }
            return null;
        }

        /** fib_table_lookup: longest prefix, then the lowest metric (first added wins a tie); index into the group, packed with it. */
        long best(int daddr, String oif) {
            for (int i = 0; i < slots.length; i++) {
                int grp = group(i, daddr);
                if (grp < 0) continue;
                long b = bestIn(grp, oif);
                if (b >= 0) return (long) grp << 32 | b;
            }
            return -1;
        }

        /** The usable route of group grp with the lowest metric (first added wins a tie), or -1. */
        private long bestIn(int grp, String oif) {
            Route[] l = groups[grp];
            RouteResult[] ans = answers[grp];
            int best = -1;
            for (int k = 0; k < l.length; k++) {
                Route r = l[k];
                if (ans[k] == null) continue; // the kernel refuses `via GW` without dev when GW is not on-link
                if (oif != null && r.device() != null && !r.device().equals(oif) && r.type() == Route.Type.UNICAST) continue;
                if (best < 0 || r.metric() < l[best].metric()) best = k;
            }
            return best;
        }
    }

    /** A route's answer in a table: `via GW` without dev takes the device of the on-link route to GW (fib_check_nh); null when there is none. */
    private RouteResult answer(Route r, String table) {
        String dev = r.device();
        if (dev == null && r.via() != null) {
            dev = onLinkDevice(r.via().bits());
            if (dev == null) return null;
        }
        return new RouteResult(r.type(), dev, r.via() == null ? 0 : r.via().bits(), r.src() == null ? 0 : r.src().bits(), table, text(r));
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
        for (int i = 0; i < ruleIndex.length; i++) {
            PolicyRule rule = rules.get(i);
            if (!ruleMatches(rule, daddr, saddr, mark, iif, oif)) continue;
            LpmIndex ix = ruleIndex[i];
            if (ix == null) continue;
            RouteResult r;
            if (oif == null) {
                r = ix.answer(daddr);
                if (r == null) continue;
            } else {
                long b = ix.best(daddr, oif);
                if (b < 0) continue;
                r = ix.answers[(int) (b >>> 32)][(int) b];
            }
            if (r.type() == Route.Type.THROW) continue;
            return r;
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
        if (r.from() == null && r.to() == null && r.fwmark() == null && r.iif() == null && r.oif() == null) return !r.not();
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
        long b = ix.best(daddr, oif);
        return b < 0 ? null : ix.groups[(int) (b >>> 32)][(int) b];
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
