package io.fnlab.sim.route;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.PolicyRule;
import io.fnlab.model.route.Route;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FibTest {
    static Route r(String dst, String via, String dev, int metric, String table) {
        return new Route(Route.Type.UNICAST, dst.equals("default") ? Prefix.ANY : Prefix.parse(dst),
                via == null ? null : Ipv4.parse(via), dev, null, metric, table, Address.Scope.GLOBAL);
    }

    static int ip(String s) {
        return Ipv4.parse(s).bits();
    }

    static final List<Address> ADDRS = List.of(new Address(Prefix.parse("10.0.0.1/24"), "eth0", Address.Scope.GLOBAL),
            new Address(Prefix.parse("192.168.1.1/24"), "eth1", Address.Scope.GLOBAL));

    @Test
    void longestPrefixWinsThenLowestMetric() {
        Fib f = new Fib(ADDRS, List.of(r("default", "10.0.0.254", "eth0", 0, "main"),
                r("172.16.0.0/12", "10.0.0.253", "eth0", 0, "main"),
                r("172.16.5.0/24", "192.168.1.254", "eth1", 10, "main"),
                r("172.16.5.0/24", "10.0.0.252", "eth0", 5, "main")), List.of());
        assertEquals(ip("10.0.0.252"), f.lookup(ip("172.16.5.9"), 0, 0, "lo", null).gateway());
        assertEquals(ip("10.0.0.253"), f.lookup(ip("172.16.6.9"), 0, 0, "lo", null).gateway());
        assertEquals(ip("10.0.0.254"), f.lookup(ip("8.8.8.8"), 0, 0, "lo", null).gateway());
        RouteResult connected = f.lookup(ip("192.168.1.77"), 0, 0, "lo", null);
        assertEquals("eth1", connected.dev());
        assertEquals(0, connected.gateway());
        assertEquals(ip("192.168.1.1"), connected.prefsrc());
        assertTrue(f.lookup(ip("10.0.0.1"), 0, 0, "lo", null).isLocal(), "own address is in the local table");
    }

    @Test
    void policyRulesSelectTablesByFromFwmarkAndNot() {
        Fib f = new Fib(ADDRS, List.of(r("default", "10.0.0.254", "eth0", 0, "main"),
                r("default", "192.168.1.254", "eth1", 0, "100"),
                r("default", "192.168.1.253", "eth1", 0, "200")),
                List.of(new PolicyRule(100, false, Prefix.parse("10.9.0.0/16"), null, null, null, null, null, "100"),
                        new PolicyRule(200, false, null, null, 0x4000L, 0x4000L, null, null, "200"),
                        new PolicyRule(300, true, null, Prefix.parse("8.0.0.0/8"), null, null, "eth0", null, "100")));
        assertEquals(ip("192.168.1.254"), f.lookup(ip("1.1.1.1"), ip("10.9.3.3"), 0, "eth0", null).gateway());
        assertEquals(ip("192.168.1.253"), f.lookup(ip("1.1.1.1"), ip("10.1.3.3"), 0x4001, "lo", null).gateway());
        assertEquals(ip("192.168.1.254"), f.lookup(ip("1.1.1.1"), ip("10.1.3.3"), 0x0001, "lo", null).gateway(),
                "mark without the masked bit: rule 300 (not ... iif eth0) matches a packet from lo");
        // rule 300 is `not to 8/8 iif eth0`: matches when NOT (to 8/8 and iif eth0)
        assertEquals(ip("192.168.1.254"), f.lookup(ip("9.9.9.9"), ip("10.1.3.3"), 0, "eth0", null).gateway());
        assertEquals(ip("10.0.0.254"), f.lookup(ip("8.8.8.8"), ip("10.1.3.3"), 0, "eth0", null).gateway());
    }

    @Test
    void errorRoutesAndThrow() {
        Fib f = new Fib(ADDRS, List.of(r("default", "10.0.0.254", "eth0", 0, "main"),
                new Route(Route.Type.BLACKHOLE, Prefix.parse("203.0.113.0/24"), null, null, null, 0, "100", Address.Scope.GLOBAL),
                new Route(Route.Type.PROHIBIT, Prefix.parse("198.51.100.0/24"), null, null, null, 0, "100", Address.Scope.GLOBAL),
                new Route(Route.Type.THROW, Prefix.parse("1.0.0.0/8"), null, null, null, 0, "100", Address.Scope.GLOBAL),
                r("default", "192.168.1.254", "eth1", 0, "100")),
                List.of(new PolicyRule(100, false, null, null, null, null, null, null, "100")));
        assertEquals(Route.Type.BLACKHOLE, f.lookup(ip("203.0.113.5"), 0, 0, "lo", null).type());
        assertTrue(f.lookup(ip("198.51.100.5"), 0, 0, "lo", null).isError());
        // table 100 throws 1/8 back to the rules: main's default applies
        assertEquals(ip("10.0.0.254"), f.lookup(ip("1.2.3.4"), 0, 0, "lo", null).gateway());
        assertEquals(ip("192.168.1.254"), f.lookup(ip("2.2.3.4"), 0, 0, "lo", null).gateway());
        assertNull(new Fib(ADDRS, List.of(), List.of()).lookup(ip("8.8.8.8"), 0, 0, "lo", null), "no default: ENETUNREACH");
    }

    @Property(tries = 200)
    void theChosenRouteIsTheMostSpecificThatContainsTheAddress(@ForAll int addr, @ForAll @IntRange(min = 0, max = 32) int len) {
        Prefix p = new Prefix(new Ipv4(addr), len).network();
        Fib f = new Fib(List.of(), List.of(r("default", "10.0.0.1", "eth0", 0, "main"),
                new Route(Route.Type.UNICAST, p, Ipv4.parse("10.0.0.2"), "eth0", null, 0, "main", Address.Scope.GLOBAL)), List.of());
        RouteResult res = f.lookup(addr, 0, 0, "lo", null);
        if ((addr >>> 24) == 127) return; // the local table's 127/8
        assertEquals(len == 0 ? ip("10.0.0.1") : ip("10.0.0.2"), res.gateway());
    }

    @Test
    void aGatewayWithoutDeviceTakesTheDeviceOfItsConnectedRoute() {
        Fib f = new Fib(ADDRS, List.of(r("default", "192.168.1.254", null, 0, "main"), r("172.16.0.0/16", "10.9.9.9", null, 0, "main")),
                List.of());
        RouteResult res = f.lookup(ip("8.8.8.8"), 0, 0, "lo", null);
        assertEquals("eth1", res.dev());
        assertEquals(ip("192.168.1.254"), res.gateway());
        assertEquals(ip("192.168.1.254"), f.lookup(ip("172.16.1.1"), 0, 0, "lo", null).gateway(),
                "a route whose gateway is not on-link does not exist");
    }
}
