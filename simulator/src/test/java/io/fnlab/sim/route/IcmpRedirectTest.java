package io.fnlab.sim.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.model.sysctl.Sysctls;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ICMP redirects: the sysctl combination rules, the rate limits, and sending and taking them end to end. */
class IcmpRedirectTest {
    static Sysctls s(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return new Sysctls(m);
    }

    @Test
    void sendRedirectsIsOnWhenAllOrTheDeviceSaysSo() {
        assertTrue(IcmpRedirect.Conf.of(s(), "eth0", true).send(), "kernel default 1");
        assertTrue(IcmpRedirect.Conf.of(s("net.ipv4.conf.all.send_redirects", "0"), "eth0", true).send(), "all=0 alone does not turn it off");
        assertTrue(IcmpRedirect.Conf.of(s("net.ipv4.conf.eth0.send_redirects", "0"), "eth0", true).send(), "DEV=0 alone neither");
        assertFalse(IcmpRedirect.Conf.of(s("net.ipv4.conf.all.send_redirects", "0", "net.ipv4.conf.eth0.send_redirects", "0"), "eth0", true).send());
        assertFalse(IcmpRedirect.Conf.of(s("net.ipv4.conf.all.send_redirects", "0", "net.ipv4.conf.default.send_redirects", "0"), "eth0", true).send(),
                "conf.default stands in for a device that is not set");
        assertTrue(IcmpRedirect.Conf.of(s("net.ipv4.conf.all.send_redirects", "0", "net.ipv4.conf.eth0.send_redirects", "0"), "eth1", true).send());
    }

    @Test
    void acceptRedirectsIsOrForAHostAndAndForARouter() {
        Sysctls allOff = s("net.ipv4.conf.all.accept_redirects", "0");
        assertTrue(IcmpRedirect.Conf.of(allOff, "eth0", false).accept(), "not forwarding: all || DEV");
        assertFalse(IcmpRedirect.Conf.of(allOff, "eth0", true).accept(), "forwarding: all && DEV");
        assertFalse(IcmpRedirect.Conf.of(s("net.ipv4.conf.all.accept_redirects", "0", "net.ipv4.conf.eth0.accept_redirects", "0"), "eth0", false).accept());
        // inet_forward_change: turning forwarding on writes all.accept_redirects = 0 ...
        assertFalse(IcmpRedirect.Conf.of(s("net.ipv4.ip_forward", "1"), "eth0", true).accept());
        assertFalse(IcmpRedirect.Conf.of(s("net.ipv4.conf.all.accept_redirects", "1", "net.ipv4.ip_forward", "1"), "eth0", true).accept());
        // ... unless it is written again afterwards; and a write of the value forwarding already has changes nothing
        assertTrue(IcmpRedirect.Conf.of(s("net.ipv4.ip_forward", "1", "net.ipv4.conf.all.accept_redirects", "1"), "eth0", true).accept());
        assertTrue(IcmpRedirect.Conf.of(s("net.ipv4.ip_forward", "0"), "eth0", false).accept());
        assertEquals(1, IcmpRedirect.acceptAll(s("net.ipv4.ip_forward", "0")));
        assertEquals(1, IcmpRedirect.acceptAll(s("net.ipv4.conf.all.forwarding", "1", "net.ipv4.ip_forward", "0")), "on, then off: !on");
    }

    @Test
    void secureRedirectsAndSharedMediaAreOrToo() {
        IcmpRedirect.Conf c = IcmpRedirect.Conf.of(s("net.ipv4.conf.all.shared_media", "0", "net.ipv4.conf.eth0.secure_redirects", "0"), "eth0", false);
        assertTrue(c.sharedMedia());
        assertTrue(c.secure());
        c = IcmpRedirect.Conf.of(s("net.ipv4.conf.all.shared_media", "0", "net.ipv4.conf.eth0.shared_media", "0",
                "net.ipv4.conf.all.secure_redirects", "0", "net.ipv4.conf.eth0.secure_redirects", "0"), "eth0", false);
        assertFalse(c.sharedMedia());
        assertFalse(c.secure());
    }

    @Test
    void redirectsBackOffExponentiallyThenStopUntilSilence() {
        IcmpRedirect.Limits l = IcmpRedirect.Limits.of(Sysctls.EMPTY);
        assertEquals(new IcmpRedirect.Limits(9, 5, 5120), l, "HZ=250: load 20 ms, silence 20.48 s");
        InetPeers peers = new InetPeers();
        long t = 1000;
        InetPeers.Peer p = peers.get(1, t);
        assertTrue(IcmpRedirect.allow(p, t, l), "the first goes at once");
        assertFalse(IcmpRedirect.allow(p, t + 10, l), "the second waits load << 1 = 10 jiffies");
        assertTrue(IcmpRedirect.allow(p, t + 11, l));
        assertFalse(IcmpRedirect.allow(p, t + 11 + 20, l), "the third waits 20");
        assertTrue(IcmpRedirect.allow(p, t + 11 + 21, l));
        long now = t + 32;
        for (int n = 3; n < 9; n++) {
            now += (5L << n) + 1;
            assertTrue(IcmpRedirect.allow(p, now, l), "redirect " + (n + 1));
        }
        assertEquals(9, p.nRedirects);
        assertFalse(IcmpRedirect.allow(p, now + 5000, l), "ignored nine times: silent, and each due one restarts the silence");
        assertFalse(IcmpRedirect.allow(p, now + 10_000, l));
        assertTrue(IcmpRedirect.allow(p, now + 10_000 + 5121, l), "no redirect due for the silence: start again");
        assertEquals(1, p.nRedirects);
    }

    @Test
    void icmpErrorsAllowABurstOfSixThenOnePerSecond() {
        InetPeers peers = new InetPeers();
        InetPeers.Peer p = peers.get(7, 0);
        int sent = 0;
        for (int i = 0; i < 10; i++) if (InetPeers.xrlimAllow(p, 0, 250)) sent++;
        assertEquals(6, sent);
        assertFalse(InetPeers.xrlimAllow(p, 249, 250));
        assertTrue(InetPeers.xrlimAllow(p, 500, 250));
    }

    @Test
    void aRedirectJustSentLeavesNoTokenForAnError() {
        InetPeers peers = new InetPeers();
        InetPeers.Peer p = peers.get(7, 100);
        assertTrue(IcmpRedirect.allow(p, 100, IcmpRedirect.Limits.of(Sysctls.EMPTY)));
        assertFalse(InetPeers.xrlimAllow(p, 101, 250), "rate_tokens 0 and rate_last now: the time exceeded is suppressed");
    }

    record FakeHost(boolean onLink, boolean local, boolean gateway) implements IcmpRedirect.Host {
        public boolean onLink(String d, int a, int b) {
            return onLink;
        }

        public boolean isLocalAddress(int a) {
            return local;
        }

        public boolean isGatewayOn(int gw, String d) {
            return gateway;
        }
    }

    @Test
    void theReceiversChecks() {
        int r1 = Ipv4.parse("10.0.1.1").bits(), r2 = Ipv4.parse("10.0.1.3").bits();
        IcmpRedirect.Conf dflt = IcmpRedirect.Conf.of(Sysctls.EMPTY, "eth0", false);
        FakeHost ok = new FakeHost(true, false, false);
        assertNull(IcmpRedirect.rejected(dflt, "eth0", r1, r1, r2, ok));
        assertNotNull(IcmpRedirect.rejected(dflt, "eth0", r2, r1, r2, ok), "not from the route's gateway");
        assertNotNull(IcmpRedirect.rejected(dflt, "eth0", 0, r1, r2, ok), "the route has no gateway (DR's client)");
        assertNotNull(IcmpRedirect.rejected(dflt, "eth0", r1, r1, r2, new FakeHost(true, true, false)), "a local new gateway");
        IcmpRedirect.Conf notShared = new IcmpRedirect.Conf(true, true, true, false);
        assertNotNull(IcmpRedirect.rejected(notShared, "eth0", r1, r1, r2, ok), "secure: not a known gateway");
        assertNull(IcmpRedirect.rejected(notShared, "eth0", r1, r1, r2, new FakeHost(true, false, true)));
        assertNull(IcmpRedirect.rejected(new IcmpRedirect.Conf(true, true, false, false), "eth0", r1, r1, r2, ok));
        assertNotNull(IcmpRedirect.rejected(new IcmpRedirect.Conf(true, true, false, false), "eth0", r1, r1, r2,
                new FakeHost(false, false, true)), "not on-link with the old gateway");
        assertNotNull(IcmpRedirect.rejected(new IcmpRedirect.Conf(true, false, true, true), "eth0", r1, r1, r2, ok), "accept off");
    }

    // ---- end to end: c1 -> r1 (its default gateway) -> r2 on the same lan -> s1 ----

    /**
     * lan 10.0.1.0/24: c1 .2 (default via r1 .1), r1 .1 (10.0.2.0/24 via r2 .3), r2 .3 and 10.0.2.1
     * on back, s1 10.0.2.10 (default via r2). A first flow from r2 to c1 leaves r2 in c1's ARP
     * cache, so that c1 can take r1's redirect at once; then c1 connects to s1.
     */
    static Network run(String c1Sysctls, String r1Sysctls) {
        String yaml = """
                name: redirect
                segments: [lan, back]
                hosts:
                  - name: c1
                    interfaces:
                      - {name: eth0, segment: lan, addresses: [10.0.1.2/24]}
                    routes:
                      - {to: default, via: 10.0.1.1}
                    sysctls: {%s}
                  - name: r1
                    interfaces:
                      - {name: eth0, segment: lan, addresses: [10.0.1.1/24]}
                    routes:
                      - {to: 10.0.2.0/24, via: 10.0.1.3}
                    sysctls: {net.ipv4.ip_forward: 1%s}
                  - name: r2
                    interfaces:
                      - {name: eth0, segment: lan, addresses: [10.0.1.3/24]}
                      - {name: eth1, segment: back, addresses: [10.0.2.1/24]}
                    sysctls: {net.ipv4.ip_forward: 1}
                  - name: s1
                    interfaces:
                      - {name: eth0, segment: back, addresses: [10.0.2.10/24]}
                    routes:
                      - {to: default, via: 10.0.2.1}
                servers:
                  - {host: c1, proto: tcp, port: 7, response: "c1"}
                  - {host: s1, proto: tcp, port: 8080, response: "s1"}
                traffic:
                  - {id: warm, from: r2, to: 10.0.1.2:7, request: "hello"}
                  - {id: web, from: c1, to: 10.0.2.10:8080, request: "GET", start: 1s}
                """.formatted(c1Sysctls, r1Sysctls.isEmpty() ? "" : ", " + r1Sysctls);
        Scenario s = ScenarioReader.parse(yaml, Path.of("redirect.yaml"));
        Network n = Network.of(s, 1);
        List<FlowResult> r = n.run(s.traffic().stream().map(t -> (Traffic.Flow) t).toList());
        for (FlowResult f : r) assertEquals(Outcome.ESTABLISHED, f.outcome(), f.flow() + ": " + f.detail());
        return n;
    }

    /** What a host put on the wire: "dev nexthop packet". */
    static List<String> sent(Network n, String host) {
        List<String> out = new ArrayList<>();
        for (Trace t : n.traces())
            for (Hop h : t.hops())
                if (h.host().equals(host))
                    for (Step s : h.steps()) if (s instanceof Step.Transmitted x) out.add(x.dev() + " " + x.nextHop() + " " + x.packet());
        return out;
    }

    static long count(List<String> l, String part) {
        return l.stream().filter(x -> x.contains(part)).count();
    }

    /** c1's packets of the web flow that left for next hop gw. */
    static long toS1Via(List<String> c1, String gw) {
        return c1.stream().filter(x -> x.startsWith("eth0 " + gw + " TCP 10.0.1.2:") && x.contains("> 10.0.2.10:8080")).count();
    }

    @Test
    void aHostTakesTheRedirectAndSendsTheRestOfTheConnectionToTheBetterGateway() {
        Network n = run("", "");
        List<String> r1 = sent(n, "r1"), c1 = sent(n, "c1");
        assertEquals(1, count(r1, "ICMP 10.0.1.1 > 10.0.1.2 type 5 code 1"), r1::toString);
        assertEquals(1, count(r1, "> 10.0.2.10:8080"), "r1 forwards only the SYN: " + r1);
        assertEquals(1, toS1Via(c1, "10.0.1.1"), "only the SYN goes to r1: " + c1);
        assertTrue(toS1Via(c1, "10.0.1.3") >= 3, "the handshake ACK, request and FIN go to r2: " + c1);
        assertEquals(1, n.host("c1").nexthopExceptions().entries().size());
        assertEquals(Ipv4.parse("10.0.1.3").bits(), n.host("c1").nexthopExceptions().entries().values().iterator().next().gateway());
    }

    @Test
    void aHostWithAcceptRedirectsOffKeepsItsGatewayAndGetsOneRedirect() {
        Network n = run("net.ipv4.conf.all.accept_redirects: 0, net.ipv4.conf.eth0.accept_redirects: 0", "");
        List<String> r1 = sent(n, "r1"), c1 = sent(n, "c1");
        assertEquals(1, count(r1, "type 5 code 1"), "the back-off holds back the rest (40 ms): " + r1);
        assertEquals(0, toS1Via(c1, "10.0.1.3"), c1::toString);
        assertTrue(count(r1, "> 10.0.2.10:8080") >= 3, r1::toString);
        assertTrue(n.host("c1").nexthopExceptions().isEmpty());
    }

    @Test
    void acceptRedirectsOffOnOnlyOneOfAllAndTheDeviceStillTakesIt() {
        Network n = run("net.ipv4.conf.all.accept_redirects: 0", "");
        assertEquals(1, n.host("c1").nexthopExceptions().entries().size());
    }

    @Test
    void aForwardingHostIgnoresRedirectsUnlessAcceptRedirectsIsWrittenAfterIpForward() {
        assertTrue(run("net.ipv4.ip_forward: 1", "").host("c1").nexthopExceptions().isEmpty());
        assertEquals(1, run("net.ipv4.ip_forward: 1, net.ipv4.conf.all.accept_redirects: 1", "").host("c1").nexthopExceptions().entries().size());
    }

    @Test
    void sendRedirectsOffOnAllAndTheDeviceSendsNone() {
        assertEquals(0, count(sent(run("", "net.ipv4.conf.all.send_redirects: 0, net.ipv4.conf.eth0.send_redirects: 0"), "r1"), "type 5"));
        assertEquals(1, count(sent(run("", "net.ipv4.conf.all.send_redirects: 0"), "r1"), "type 5"), "all=0 alone: still on");
    }

    @Test
    void withoutSharedMediaSecureRedirectsWantsAKnownGateway() {
        String notShared = "net.ipv4.conf.all.shared_media: 0, net.ipv4.conf.eth0.shared_media: 0";
        assertTrue(run(notShared, "").host("c1").nexthopExceptions().isEmpty(), "10.0.1.3 is no gateway of c1's routes");
        assertEquals(1, run(notShared + ", net.ipv4.conf.all.secure_redirects: 0, net.ipv4.conf.eth0.secure_redirects: 0", "")
                .host("c1").nexthopExceptions().entries().size());
    }
}
