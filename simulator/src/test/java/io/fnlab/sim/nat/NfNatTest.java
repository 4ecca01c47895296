package io.fnlab.sim.nat;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.conntrack.Conntrack;
import io.fnlab.sim.conntrack.NfConn;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Tracer;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NfNatTest {
    final Conntrack ct = new Conntrack(() -> 0, () -> Tracer.OFF);
    final RandomGenerator rnd = new SplittableRandom(7);
    final NfNat nat = new NfNat(ct, new NfNat.Env() {
        public RandomGenerator random() {
            return rnd;
        }

        public Tracer tracer() {
            return Tracer.OFF;
        }

        public NfVerdict runNatTable(SkBuff skb, HookState state) {
            return NfVerdict.ACCEPT;
        }
    });
    static final HookState PRE = new HookState(Hook.PREROUTING, "eth0", null), POST = new HookState(Hook.POSTROUTING, null, "eth1");
    static final Ipv4 MASQ = Ipv4.parse("192.0.2.1"), SERVER = Ipv4.parse("10.0.2.10");

    /** A connection from client:sport to the server, SNATed to MASQ and confirmed; returns its source port after NAT. */
    int snat(String client, int sport, NatSpec spec) {
        SkBuff s = SkBuff.tcp(Ipv4.parse(client), sport, SERVER, 80, 2);
        ct.in(s, PRE);
        nat.setupInfo((NfConn) s.nfct, spec, ManipType.SRC, "SNAT");
        nat.packet((NfConn) s.nfct, s.ctinfo, ManipType.SRC, s);
        assertEquals(NfVerdict.ACCEPT, ct.confirm(s, POST));
        assertEquals(MASQ, s.src());
        return s.sport;
    }

    @Test
    void theSourcePortIsKeptWhenUniqueAndChangedOnAClash() {
        assertEquals(40000, snat("10.0.1.2", 40000, NatSpec.address(MASQ.bits())));
        int second = snat("10.0.1.3", 40000, NatSpec.address(MASQ.bits()));
        assertNotEquals(40000, second);
        assertTrue(second >= 1024 && second <= 65535, "ephemeral class keeps 1024-65535: " + second);
    }

    @Property(tries = 100)
    void clashRemapsStayInTheKernelsPortClass(@ForAll @IntRange(min = 1, max = 65535) int port) {
        NfNatTest t = new NfNatTest();
        assertEquals(port, t.snat("10.0.1.2", port, NatSpec.address(MASQ.bits())));
        int p = t.snat("10.0.1.3", port, NatSpec.address(MASQ.bits()));
        assertNotEquals(port, p);
        if (port < 512) assertTrue(p >= 1 && p <= 511, "1-511: " + p);
        else if (port < 1024) assertTrue(p >= 600 && p <= 1023, "600-1023: " + p);
        else assertTrue(p >= 1024, "1024-65535: " + p);
    }

    @Test
    void randomFullyNeverTriesTheOriginalPortFirstAndToPortsBound() {
        NatSpec fully = new NatSpec(true, MASQ.bits(), MASQ.bits(), null, false, true, false);
        int p = snat("10.0.1.2", 40000, fully);
        assertNotEquals(40000, p, "--random-fully picks from a random offset (it could hit 40000 only by chance)");
        NatSpec ports = new NatSpec(true, MASQ.bits(), MASQ.bits(), new PortRange(5000, 5001), false, false, false);
        int a = snat("10.0.1.4", 40000, ports), b = snat("10.0.1.5", 40000, ports);
        assertTrue(a >= 5000 && a <= 5001 && b >= 5000 && b <= 5001 && a != b, a + " " + b);
    }

    @Test
    void dnatKeepsThePortWhenTheRangeHasNoneAndRepliesAreUndone() {
        SkBuff s = SkBuff.tcp(Ipv4.parse("10.0.1.2"), 40000, Ipv4.parse("10.0.1.1"), 80, 2);
        ct.in(s, PRE);
        NfConn c = (NfConn) s.nfct;
        nat.setupInfo(c, NatSpec.address(SERVER.bits()), ManipType.DST, "DNAT");
        nat.packet(c, s.ctinfo, ManipType.DST, s);
        assertEquals(SERVER, s.dst());
        assertEquals(80, s.dport);
        ct.confirm(s, POST);
        SkBuff reply = SkBuff.tcp(SERVER, 80, Ipv4.parse("10.0.1.2"), 40000, 0x12);
        ct.in(reply, new HookState(Hook.PREROUTING, "eth1", null));
        nat.packet(c, reply.ctinfo, ManipType.DST, reply); // PREROUTING: nothing to undo for a DNAT
        assertEquals(SERVER, reply.src());
        nat.packet(c, reply.ctinfo, ManipType.SRC, reply); // POSTROUTING: de-DNAT
        assertEquals(Ipv4.parse("10.0.1.1"), reply.src());
        assertEquals(80, reply.sport);
    }

    @Test
    void untrackedPacketsAreNotNated() {
        SkBuff s = SkBuff.tcp(Ipv4.parse("10.0.1.2"), 40000, Ipv4.parse("10.0.1.1"), 80, 2);
        ct.untrack(s);
        NfNat strict = new NfNat(ct, new NfNat.Env() {
            public RandomGenerator random() {
                return rnd;
            }

            public Tracer tracer() {
                return Tracer.OFF;
            }

            public NfVerdict runNatTable(SkBuff skb, HookState state) {
                throw new AssertionError("the nat table must not run for an untracked packet");
            }
        });
        assertEquals(NfVerdict.ACCEPT, strict.hook(s, POST));
        assertEquals(Ipv4.parse("10.0.1.2"), s.src());
    }
}
