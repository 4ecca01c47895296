package io.fnlab.model.format.iproute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fnlab.model.format.Fuzz;
import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class IpFormatTest {
    /** Captured from iproute2 6.1 in a netns (see IpKernelTest for the live comparison). */
    static final String REAL_ADDR = """
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever
            3: d0    inet 10.0.5.5/32 scope host d0\\       valid_lft forever preferred_lft forever
            3: d0    inet 10.0.6.6/16 scope link d0\\       valid_lft forever preferred_lft forever
            3: d0    inet 10.0.0.1/24 scope global d0\\       valid_lft forever preferred_lft forever
            3: d0    inet 1.2.3.0/32 scope global d0\\       valid_lft forever preferred_lft forever
            3: d0    inet 10.0.0.2/24 scope global secondary d0\\       valid_lft forever preferred_lft forever
            5: kube-ipvs0    inet 10.96.0.1/32 scope global kube-ipvs0\\       valid_lft forever preferred_lft forever
            """;
    static final String REAL_ROUTE = """
            default via 10.0.0.254 dev d0\s
            10.0.0.0/24 dev d0 proto kernel scope link src 10.0.0.1\s
            10.0.0.0/16 dev d0 proto kernel scope link src 10.0.6.6\s
            10.1.0.0/16 dev d0 scope link\s
            10.3.0.0/16 dev d0 scope link metric 6\s
            blackhole 10.4.0.0/16 metric 9\s
            10.18.0.0/16 dev d0 scope host\s
            10.19.0.0/16 via 10.0.0.254 dev d0 src 10.0.0.2 metric 7\s
            10.20.0.0/16 dev d0\s
            """;

    @Test
    void realOutputReadsAndWritesBack() {
        IpAddrShow.Dump d = IpAddrShow.read(REAL_ADDR, "addr");
        assertEquals(REAL_ADDR.replace("1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever\n", ""),
                IpAddrShow.write(d));
        assertEquals(7, d.addresses().size());
        IpRouteShow.Dump r = IpRouteShow.read(REAL_ROUTE, "route", "main");
        assertEquals(REAL_ROUTE, IpRouteShow.write(r));
        assertEquals(2, r.kernel().size());
    }

    @Test
    void theKernelsAddressOrderAndSecondaries() {
        HostConfigBuilder h = new HostConfigBuilder();
        for (String c : List.of("addr add 10.0.0.1/24 dev d0", "addr add 10.0.0.2/24 dev d0", "addr add 10.0.5.5/32 dev d0 scope host",
                "addr add 10.0.6.6/16 dev d0 scope link", "addr add 1.2.3/32 dev d0"))
            assertEquals(java.util.Optional.empty(), apply(h, c), c);
        Map<String, Integer> idx = Map.of("d0", 3);
        assertEquals(REAL_ADDR.lines().filter(l -> l.startsWith("3:")).map(l -> l + "\n").reduce("", String::concat),
                IpAddrShow.write(h.addresses, idx));
        assertEquals("Error: ipv4: Address already assigned.", apply(h, "addr add 10.0.0.1/24 dev d0").get().message());
        // deleting a primary takes its secondaries along (promote_secondaries=0)
        apply(h, "addr del 10.0.0.1/24 dev d0");
        assertEquals(3, h.addresses.size());
    }

    static java.util.Optional<io.fnlab.model.parse.Diagnostic> apply(HostConfigBuilder h, String c) {
        return new IpCommand().apply(h, List.of(c.split(" ")), SourceRef.of("t", 1));
    }

    @Test
    void routeErrorsAreIpsMessages() {
        HostConfigBuilder h = new HostConfigBuilder();
        apply(h, "addr add 10.0.0.1/24 dev d0");
        assertEquals("Error: Nexthop has invalid gateway.", apply(h, "route add 10.1.0.0/16 via 10.9.9.9").get().message());
        assertEquals(java.util.Optional.empty(), apply(h, "route add 10.1.0.0/16 via 10.0.0.254"));
        assertEquals("RTNETLINK answers: File exists", apply(h, "route add 10.1.0.0/16 via 10.0.0.253").get().message());
        assertEquals("RTNETLINK answers: No such process", apply(h, "route del 10.99.0.0/16").get().message());
        assertEquals("Error: Invalid prefix for given prefix length.", apply(h, "route add 10.1.2.3/16 dev d0").get().message());
        assertEquals("Error: Invalid prefsrc address.", apply(h, "route add 10.5.0.0/16 dev d0 src 10.9.9.9").get().message());
        assertEquals("Error: Route with host scope can not have a gateway.",
                apply(h, "route add 10.6.0.0/16 via 10.0.0.254 scope host").get().message());
        assertEquals("RTNETLINK answers: No such device", apply(h, "route add 10.7.0.0/16").get().message());
        assertEquals("Error: either \"to\" is duplicate, or \"foo\" is a garbage.", apply(h, "route add 10.8.0.0/16 dev d0 foo").get().message());
        assertEquals("10.0.0.0/24 dev d0 proto kernel scope link src 10.0.0.1 \n10.1.0.0/16 via 10.0.0.254 dev d0 \n",
                IpRouteShow.write(h.routes, h.addresses, "main"));
        h.links.put("lo", new io.fnlab.model.scenario.Interface("lo", io.fnlab.model.scenario.Interface.Kind.LOOPBACK, null, null, 65536));
        h.links.put("d0", new io.fnlab.model.scenario.Interface("d0", io.fnlab.model.scenario.Interface.Kind.ETHERNET, "s", null, 1500));
        assertEquals("Cannot find device \"d9\"", apply(h, "route add 10.9.0.0/16 dev d9").get().message());
        assertEquals(java.util.Optional.empty(), apply(h, "link add kube-ipvs0 type dummy"));
        assertEquals("RTNETLINK answers: File exists", apply(h, "link add kube-ipvs0 type dummy").get().message());
        assertEquals(java.util.Optional.empty(), apply(h, "rule add fwmark 0x4000/0x4000 table 100"));
        assertEquals(32765, h.rules.get(0).priority());
        assertEquals("RTNETLINK answers: No such file or directory", apply(h, "rule del from 10.0.0.0/8").get().message());
        assertThrows(ParseError.class, () -> apply(h, "route add 10.10.0.0/16 dev d0 onlink"));
        assertThrows(ParseError.class, () -> apply(h, "-6 route add ::/0 dev d0"));
    }

    // ------------------------------------------------------------ round trip

    @Provide
    Arbitrary<List<Address>> addressLists() {
        return Arbitraries.longs().map(IpFormatTest::addresses);
    }

    static List<Address> addresses(long seed) {
        Random r = new Random(seed);
        HostConfigBuilder h = new HostConfigBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            String a = new Ipv4(0x0a000000 | r.nextInt(1 << 12)) + "/" + (8 + r.nextInt(25));
            String scope = List.of("global", "link", "host").get(r.nextInt(3));
            apply(h, "addr add " + a + " dev d" + r.nextInt(3) + " scope " + scope);
        }
        return Fib.kernelOrder(h.addresses);
    }

    @Property(tries = 300)
    void addrShowReadsBackWhatItWrote(@ForAll("addressLists") List<Address> addrs) {
        Map<String, Integer> idx = new LinkedHashMap<>(Map.of("d0", 2, "d1", 3, "d2", 7));
        String text = IpAddrShow.write(addrs, idx);
        IpAddrShow.Dump d = IpAddrShow.read(text, "a");
        assertEquals(text, IpAddrShow.write(d));
        assertEquals(new HashSet<>(addrs), new HashSet<>(d.addresses()));
    }

    @Provide
    Arbitrary<IpRouteShow.Dump> dumps() {
        return Arbitraries.longs().map(IpFormatTest::dump);
    }

    static IpRouteShow.Dump dump(long seed) {
        Random r = new Random(seed);
        Map<String, Route> routes = new LinkedHashMap<>();
        for (int i = r.nextInt(10); i > 0; i--) {
            Prefix p = new Prefix(new Ipv4(r.nextInt()), r.nextInt(33)).network();
            int metric = r.nextInt(3) == 0 ? r.nextInt() : 0;
            Route.Type t = Route.Type.values()[r.nextInt(Route.Type.values().length)];
            boolean dev = t == Route.Type.UNICAST || t == Route.Type.LOCAL || t == Route.Type.BROADCAST;
            Route x = new Route(t, p, dev && r.nextBoolean() ? new Ipv4(r.nextInt()) : null, dev ? "e" + r.nextInt(3) : null,
                    r.nextInt(4) == 0 ? new Ipv4(r.nextInt()) : null, metric, "100", Address.Scope.values()[r.nextInt(3)]);
            routes.put(p + "/" + metric, x);
        }
        List<Route> kernel = new ArrayList<>();
        return new IpRouteShow.Dump(new ArrayList<>(routes.values()), kernel);
    }

    @Property(tries = 300)
    void routeShowReadsBackWhatItWrote(@ForAll("dumps") IpRouteShow.Dump d) {
        String text = IpRouteShow.write(d);
        IpRouteShow.Dump back = IpRouteShow.read(text, "r", "100");
        assertEquals(new HashSet<>(d.routes()), new HashSet<>(back.routes()));
        assertEquals(text, IpRouteShow.write(back));
    }

    // ------------------------------------------------------------ fuzz

    @Test
    void fuzzReadersAndCommands() {
        List<String> addrSeeds = new ArrayList<>(List.of(REAL_ADDR));
        List<String> routeSeeds = new ArrayList<>(List.of(REAL_ROUTE));
        for (long s = 1; s < 5; s++) {
            addrSeeds.add(IpAddrShow.write(addresses(s), Map.of("d0", 2, "d1", 3, "d2", 4)));
            routeSeeds.add(IpRouteShow.write(dump(s)));
        }
        Fuzz.run(addrSeeds, 16000, 11, in -> IpAddrShow.read(in, "fuzz"));
        Fuzz.run(routeSeeds, 16000, 12, in -> IpRouteShow.read(in, "fuzz", "main"));
        String rules = "0:\tfrom all lookup local\n99:\tfrom all iif lo lookup 100\n100:\tfrom all fwmark 0x4000/0x4000 lookup 100\n"
                + "200:\tnot from all to 10.0.0.0/8 iif d0 [detached] oif d0 [detached] lookup 100\n32765:\tfrom 10.0.0.0/8 lookup main\n"
                + "32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n";
        assertEquals(rules, IpRuleShow.write(IpRuleShow.read(rules, "r"), List.of("lo")));
        Fuzz.run(List.of(rules), 16000, 14, in -> IpRuleShow.read(in, "fuzz"));
        List<String> cmds = List.of("addr add 10.0.0.1/24 dev d0", "addr del 10.0.0.1 dev d0", "addr add 10.0.0.2/24 dev d0 scope link",
                "route add 10.1.0.0/16 via 10.0.0.254 dev d0 src 10.0.0.1 metric 5 table 100", "route replace blackhole 10.2.0.0/16",
                "route del default", "route add default via 10.0.0.254", "route add local 10.3.0.1 dev d0 table local",
                "rule add not from 10.0.0.0/8 to 172.16.0.0/12 fwmark 0x4000/0x4000 iif d0 oif d1 pref 100 table 100",
                "rule del pref 100", "link add kube-ipvs0 type dummy", "link set kube-ipvs0 up", "link del kube-ipvs0", "-o addr show",
                "addr flush dev d0");
        HostConfigBuilder[] h = {new HostConfigBuilder()};
        int[] n = {0};
        IpCommand c = new IpCommand();
        Fuzz.run(cmds, 16000, 13, in -> {
            if (n[0]++ % 300 == 0) h[0] = new HostConfigBuilder();
            SourceRef w = SourceRef.of("fuzz", n[0]);
            c.apply(h[0], ShellWords.split(in.replace('\n', ' '), w), w);
        });
    }
}
