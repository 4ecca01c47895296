package io.fnlab.sim.route;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The hashed longest-prefix match answers as the linear scan it replaced: longest prefix, then lowest metric, then first added. */
class FibIndexPropertyTest {
    @Property(tries = 200)
    void hashedLookupEqualsLinearScan(@ForAll long seed) {
        Random r = new Random(seed);
        List<Route> routes = new ArrayList<>();
        String[] devs = {"eth0", "eth1", "cni0"};
        for (int i = 0; i < 40; i++) {
            int len = new int[] {0, 8, 16, 24, 30, 32}[r.nextInt(6)];
            // few distinct networks, so equal prefixes with different metrics and devices collide
            int addr = (10 << 24) | (r.nextInt(2) << 16) | (r.nextInt(3) << 8) | r.nextInt(4);
            routes.add(new Route(Route.Type.UNICAST, new Prefix(new Ipv4(addr), len).network(), null, devs[r.nextInt(3)], null,
                    r.nextInt(3), "main", Address.Scope.LINK));
        }
        Fib fib = new Fib(List.of(), routes, List.of());
        for (int k = 0; k < 200; k++) {
            int d = (10 << 24) | (r.nextInt(2) << 16) | (r.nextInt(3) << 8) | r.nextInt(4);
            String oif = r.nextInt(3) == 0 ? devs[r.nextInt(3)] : null;
            assertSame(linear(fib.tables().get("main"), d, oif), fib.lookupTable("main", d, oif));
        }
    }

    /** The lookup as it was before the index (fib_table_lookup by scanning every route). */
    private static Route linear(List<Route> l, int daddr, String oif) {
        Route best = null;
        for (Route r : l) {
            if (!r.destination().contains(new Ipv4(daddr))) continue;
            if (oif != null && r.device() != null && !r.device().equals(oif) && r.type() == Route.Type.UNICAST) continue;
            if (best == null || r.destination().length() > best.destination().length()
                    || (r.destination().length() == best.destination().length() && r.metric() < best.metric())) best = r;
        }
        return best;
    }
}
