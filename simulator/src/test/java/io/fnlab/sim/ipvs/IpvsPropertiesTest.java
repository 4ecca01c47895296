package io.fnlab.sim.ipvs;

import static io.fnlab.sim.ipvs.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.skb.SkBuff;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class IpvsPropertiesTest {
    static RealServer[] servers(List<Integer> weights) {
        RealServer[] r = new RealServer[weights.size()];
        for (int i = 0; i < r.length; i++) r[i] = rs("10.1.0." + (i + 1), weights.get(i));
        return r;
    }

    static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** One wrr cycle is sum(w)/gcd picks, and each server gets exactly w/gcd of them. */
    @Property(tries = 200)
    void wrrCycleIsProportionalToWeights(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 12) Integer> weights) {
        int g = 0, sum = 0;
        for (int w : weights) if (w > 0) {
            g = gcd(w, g);
            sum += w;
        }
        if (g == 0) return;
        IpvsService s = new IpvsService(tcp("wrr", servers(weights)));
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < sum / g; i++) {
            IpvsDest d = s.scheduler().schedule(s, syn(i + 1), 0).dest();
            assertNotNull(d);
            count.merge(d.addr.toString(), 1, Integer::sum);
        }
        for (int i = 0; i < weights.size(); i++)
            assertEquals(weights.get(i) / g, count.getOrDefault("10.1.0." + (i + 1), 0), "weights " + weights);
    }

    /** rr over k rounds picks each server of weight > 0 exactly k times. */
    @Property(tries = 100)
    void rrIsFair(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 3) Integer> weights,
                  @ForAll @IntRange(min = 1, max = 4) int rounds) {
        long usable = weights.stream().filter(w -> w > 0).count();
        IpvsService s = new IpvsService(tcp("rr", servers(weights)));
        Map<String, Integer> count = new HashMap<>();
        for (int i = 0; i < usable * rounds; i++)
            count.merge(s.scheduler().schedule(s, syn(i + 1), 0).dest().addr.toString(), 1, Integer::sum);
        for (int i = 0; i < weights.size(); i++)
            assertEquals(weights.get(i) > 0 ? rounds : 0, count.getOrDefault("10.1.0." + (i + 1), 0));
    }

    @Provide
    Arbitrary<List<int[]>> packets() {
        // [client port index, direction 0 in / 1 out, flags index, advance seconds]
        Arbitrary<int[]> p = Arbitraries.integers().between(0, 3).flatMap(port -> Arbitraries.integers().between(0, 1)
                .flatMap(dir -> Arbitraries.integers().between(0, 5).flatMap(fl -> Arbitraries.integers().between(0, 70)
                        .map(adv -> new int[] {port, dir, fl, adv}))));
        return p.list().ofMaxSize(40);
    }

    static final int[] FLAGS = {SYN, SYN | ACK, ACK, FIN | ACK, RST, RST | ACK};

    /**
     * Whatever packets arrive, every real server's ActiveConn + InActConn equals its live
     * connections, ActiveConn equals those in an active TCP state, and nothing goes negative.
     */
    @Property(tries = 300)
    void connectionCountersMatchConnections(@ForAll("packets") List<int[]> pkts, @ForAll boolean sloppy, @ForAll boolean dr) {
        FakeStack st = new FakeStack().sysctl("net.ipv4.vs.sloppy_tcp", sloppy ? "1" : "0");
        ForwardMethod m = dr ? ForwardMethod.GATE : ForwardMethod.MASQ;
        Ipvs ipvs = ipvs(st, tcp("wlc", rs("10.1.0.1", 80, m, 1), rs("10.1.0.2", 80, m, 2)));
        HookState in = new HookState(Hook.INPUT, "eth0", null), fwd = new HookState(Hook.FORWARD, "eth1", "eth0");
        for (int[] p : pkts) {
            st.now += p[3] * 1000L;
            int cport = 40000 + p[0];
            int flags = FLAGS[p[2]];
            if (p[1] == 0) {
                ipvs.inHook(pkt(CIP, cport, VIP, 80, flags), in);
            } else {
                IpvsConn c = ipvs.connections().inGet(6, CIP.bits(), cport, VIP.bits(), 80);
                if (c == null) continue;
                ipvs.outHook(pkt(new Ipv4(c.daddr), c.dport, CIP, cport, flags), fwd);
            }
            for (IpvsDest d : ipvs.services().get(0).dests()) {
                List<IpvsConn> live = ipvs.connections().all().stream().filter(c -> c.dest() == d && !c.isTemplate()).toList();
                long active = live.stream().filter(c -> !c.inactive()).count();
                assertEquals(live.size(), d.activeConns() + d.inactConns());
                assertEquals(active, d.activeConns());
                assertEquals(active, live.stream().filter(c -> TcpStates.active(c.state())).count());
                assertTrue(d.activeConns() >= 0 && d.inactConns() >= 0);
            }
        }
    }
}
