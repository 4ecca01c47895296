package io.fnlab.sim.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.PolicyRule;
import io.fnlab.model.route.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The compiled lookup (per-length probe tables, answers made once) answers as a plain walk of the
 * rules and of every route of each table, also when rules select on source, mark, input and
 * output device, for THROW and unusable `via` routes, and when the same question is asked again.
 */
class FibLookupPropertyTest {
    @Property(tries = 200)
    void compiledLookupEqualsPlainWalk(@ForAll long seed) {
        Random r = new Random(seed);
        String[] devs = {"eth0", "eth1", "lo"};
        String[] tables = {"main", "100", "local"};
        List<Address> addrs = List.of(new Address(new Prefix(Ipv4.parse("10.0.0.1"), 24), "eth0", Address.Scope.GLOBAL),
                new Address(new Prefix(Ipv4.parse("10.1.0.1"), 16), "eth1", Address.Scope.GLOBAL));
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int len = new int[] {0, 8, 16, 24, 32}[r.nextInt(5)];
            int a = (10 << 24) | (r.nextInt(3) << 16) | (r.nextInt(2) << 8) | r.nextInt(3);
            Route.Type type = r.nextInt(6) == 0 ? Route.Type.values()[r.nextInt(Route.Type.values().length)] : Route.Type.UNICAST;
            // `via` without dev: the device comes from the on-link route to the gateway, or the route is unusable (10.3.0.254)
            Ipv4 via = r.nextBoolean() ? Ipv4.parse(r.nextInt(4) == 0 ? "10.3.0.254" : "10.0.0.254") : null;
            String dev = via != null && r.nextInt(3) == 0 ? null : devs[r.nextInt(2)];
            routes.add(new Route(type, new Prefix(new Ipv4(a), len).network(), via, dev, null, r.nextInt(3), tables[r.nextInt(2)],
                    Address.Scope.LINK));
        }
        List<PolicyRule> rules = new ArrayList<>();
        int nRules = r.nextInt(4);
        for (int i = 0; i < nRules; i++) {
            rules.add(new PolicyRule(100 + r.nextInt(100), r.nextInt(5) == 0,
                    r.nextBoolean() ? new Prefix(new Ipv4((10 << 24) | (r.nextInt(3) << 16)), 16) : null,
                    r.nextInt(3) == 0 ? new Prefix(new Ipv4(10 << 24 | 1 << 16), 16) : null,
                    r.nextInt(3) == 0 ? (long) r.nextInt(3) : null, null,
                    r.nextInt(3) == 0 ? devs[r.nextInt(3)] : null, r.nextInt(4) == 0 ? devs[r.nextInt(3)] : null, "100"));
        }
        Fib fib;
        try {
            fib = new Fib(addrs, routes, rules);
        } catch (IllegalArgumentException e) {
            return; // a generated route the model rejects: nothing to compare
        }
        for (int k = 0; k < 400; k++) {
            int d = (10 << 24) | (r.nextInt(3) << 16) | (r.nextInt(2) << 8) | r.nextInt(3);
            int s = r.nextBoolean() ? 0 : (10 << 24) | (r.nextInt(3) << 16) | r.nextInt(3);
            long mark = r.nextInt(3);
            String iif = devs[r.nextInt(3)], oif = r.nextInt(3) == 0 ? devs[r.nextInt(3)] : null;
            RouteResult want = reference(fib, d, s, mark, iif, oif);
            assertEquals(want, fib.lookup(d, s, mark, iif, oif));
            assertEquals(want, fib.lookup(d, s, mark, iif, oif), "asked again");
        }
    }

    /**
     * A node with a local route per service address (kube-ipvs0): lengths with many networks get an
     * absence bitmap in front of the probe table, which must never hide a present address.
     */
    @Property(tries = 50)
    void manyHostRoutesAnswerAsPlainWalk(@ForAll long seed) {
        Random r = new Random(seed);
        List<Address> addrs = new ArrayList<>(List.of(new Address(new Prefix(Ipv4.parse("10.0.0.1"), 24), "eth0", Address.Scope.GLOBAL)));
        int n = 64 + r.nextInt(600);
        for (int i = 0; i < n; i++)
            addrs.add(new Address(new Prefix(new Ipv4((10 << 24) | (96 << 16) | r.nextInt(4096)), 32), "kube-ipvs0", Address.Scope.GLOBAL));
        List<Route> routes = List.of(new Route(Route.Type.UNICAST, Prefix.parse("0.0.0.0/0"), Ipv4.parse("10.0.0.254"), "eth0", null, 0,
                "main", Address.Scope.GLOBAL));
        Fib fib = new Fib(addrs, routes, List.of());
        for (int k = 0; k < 2000; k++) {
            int d = k % 3 == 0 ? addrs.get(1 + r.nextInt(n)).prefix().address().bits() : (10 << 24) | (96 << 16) | r.nextInt(8192);
            assertEquals(reference(fib, d, 0, 0, "lo", null), fib.lookup(d, 0, 0, "lo", null));
        }
    }

    /** fib_lookup as a reading of the kernel would write it: every rule in order, every route of its table. */
    private static RouteResult reference(Fib fib, int daddr, int saddr, long mark, String iif, String oif) {
        for (PolicyRule rule : fib.rules()) {
            if (!Fib.ruleMatches(rule, daddr, saddr, mark, iif, oif)) continue;
            String t = rule.table() == null ? "main" : rule.table();
            Route best = null;
            for (Route r : fib.tables().getOrDefault(t, List.of())) {
                if (!r.destination().contains(new Ipv4(daddr))) continue;
                if (r.device() == null && r.via() != null && fib.onLinkDevice(r.via().bits()) == null) continue;
                if (oif != null && r.device() != null && !r.device().equals(oif) && r.type() == Route.Type.UNICAST) continue;
                if (best == null || r.destination().length() > best.destination().length()
                        || (r.destination().length() == best.destination().length() && r.metric() < best.metric())) best = r;
            }
            if (best == null || best.type() == Route.Type.THROW) continue;
            String dev = best.device() != null ? best.device() : fib.onLinkDevice(best.via().bits());
            return new RouteResult(best.type(), dev, best.via() == null ? 0 : best.via().bits(), best.src() == null ? 0 : best.src().bits(),
                    t, Fib.text(best));
        }
        return null;
    }
}
