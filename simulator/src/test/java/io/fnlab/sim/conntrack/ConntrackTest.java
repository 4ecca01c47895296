package io.fnlab.sim.conntrack;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.XtContext.CtStateBits;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Tracer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ConntrackTest {
    static final int FIN = 1, SYN = 2, RST = 4, ACK = 16;
    final long[] clock = {0};
    final Conntrack ct = new Conntrack(() -> clock[0], () -> Tracer.OFF);
    static final Ipv4 C = Ipv4.parse("10.0.0.1"), S = Ipv4.parse("10.0.0.2");
    static final HookState PRE = new HookState(Hook.PREROUTING, "eth0", null), IN = new HookState(Hook.INPUT, "eth0", null);

    /** One packet through conntrack in and confirm, as a local delivery does. */
    SkBuff pass(boolean reply, int flags) {
        SkBuff s = reply ? SkBuff.tcp(S, 80, C, 40000, flags) : SkBuff.tcp(C, 40000, S, 80, flags);
        ct.in(s, PRE);
        ct.confirm(s, IN);
        return s;
    }

    NfConn entry() {
        return ct.find(new io.fnlab.model.net.FiveTuple(io.fnlab.model.net.Protocol.TCP, C, 40000, S, 80));
    }

    @Test
    void aFullConnectionWalksTheKernelStatesWithTheirTimeouts() {
        SkBuff syn = pass(false, SYN);
        assertEquals(CtStateBits.NEW, ct.stateBits(syn));
        assertEquals(TcpState.SYN_SENT, entry().tcpState);
        assertEquals(120_000, entry().expires);
        SkBuff synack = pass(true, SYN | ACK);
        assertEquals(CtStateBits.ESTABLISHED, ct.stateBits(synack));
        assertTrue(ct.isReply(synack));
        assertEquals(TcpState.SYN_RECV, entry().tcpState);
        assertEquals(60_000, entry().expires);
        pass(false, ACK);
        assertEquals(TcpState.ESTABLISHED, entry().tcpState);
        assertEquals(432_000_000L, entry().expires);
        assertTrue(entry().has(NfConn.ASSURED));
        pass(false, FIN | ACK);
        assertEquals(TcpState.FIN_WAIT, entry().tcpState);
        pass(true, ACK);
        assertEquals(TcpState.CLOSE_WAIT, entry().tcpState);
        pass(true, FIN | ACK);
        assertEquals(TcpState.LAST_ACK, entry().tcpState);
        clock[0] = 1000;
        pass(false, ACK);
        assertEquals(TcpState.TIME_WAIT, entry().tcpState);
        assertEquals(121_000, entry().expires);
        assertEquals(1, ct.entries().size());
        assertTrue(ct.entries().get(0).describe(clock[0]).startsWith("tcp 6 120 TIME_WAIT src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80 src=10.0.0.2"),
                ct.entries().get(0).describe(clock[0]));
        clock[0] = 121_000;
        assertNull(entry(), "the entry expires with its timeout");
        assertTrue(ct.entries().isEmpty());
    }

    @Test
    void aSynInTimeWaitReopensAndARstClosesAndStrayPacketsAreInvalid() {
        pass(false, SYN); pass(true, SYN | ACK); pass(false, ACK); pass(false, RST);
        assertEquals(TcpState.CLOSE, entry().tcpState);
        assertEquals(10_000, entry().expires);
        NfConn old = entry();
        SkBuff again = pass(false, SYN);
        assertNotSame(old, entry(), "RFC 1122 reopen: the old entry is killed and a new one made");
        assertEquals(CtStateBits.NEW, ct.stateBits(again));
        // a SYN-ACK for nothing does not create an entry: INVALID
        SkBuff stray = SkBuff.tcp(Ipv4.parse("10.9.9.9"), 80, C, 41000, SYN | ACK);
        ct.in(stray, PRE);
        assertFalse(ct.tracked(stray));
        assertEquals(CtStateBits.INVALID, ct.stateBits(stray));
    }

    @Test
    void icmpErrorsAboutAConnectionAreRelated() {
        SkBuff u = SkBuff.udp(C, 5000, S, 53);
        ct.in(u, PRE);
        ct.confirm(u, IN);
        SkBuff err = new SkBuff();
        err.protocol = 1; err.saddr = S.bits(); err.daddr = C.bits(); err.dport = 3 << 8 | 3;
        err.icmpInner = u.copy();
        ct.in(err, PRE);
        assertEquals(CtStateBits.RELATED, ct.stateBits(err));
        assertEquals(CtInfo.RELATED_REPLY, err.ctinfo);
        assertEquals(u.nfct, err.nfct);
    }

    @Test
    void untrackAndAlterReplyAndMarks() {
        SkBuff s = SkBuff.tcp(C, 40000, S, 80, SYN);
        ct.in(s, PRE);
        var newReply = new io.fnlab.model.net.FiveTuple(io.fnlab.model.net.Protocol.TCP, Ipv4.parse("10.0.5.5"), 8080, C, 40000);
        ct.alterReply(s, newReply);
        assertEquals(newReply, ct.reply(s));
        ct.setCtMark(s, 0x4000);
        assertEquals(0x4000, ct.ctMark(s));
        ct.confirm(s, IN);
        ct.alterReply(s, s.tuple()); // confirmed: ignored as the kernel does
        assertEquals(newReply, ct.reply(s));
        SkBuff n = SkBuff.tcp(C, 40001, S, 80, SYN);
        ct.untrack(n);
        ct.in(n, PRE);
        assertEquals(CtStateBits.UNTRACKED, ct.stateBits(n));
        assertFalse(ct.tracked(n));
    }

    @Provide
    Arbitrary<List<Integer>> segments() {
        return Arbitraries.of(SYN, SYN | ACK, ACK, FIN | ACK, RST, RST | ACK, FIN, 0, ACK | 8).list().ofMaxSize(12);
    }

    /** Whatever the packets, an entry is in a real state and expires by that state's timeout. */
    @Property(tries = 300)
    void entriesAreAlwaysInARealStateWithItsTimeout(@ForAll("segments") List<Integer> flags, @ForAll List<Boolean> dirs) {
        for (int i = 0; i < flags.size(); i++) {
            clock[0] += 10;
            pass(i < dirs.size() && dirs.get(i), flags.get(i));
            NfConn e = entry();
            if (e == null) continue;
            assertNotEquals(TcpState.INVALID, e.tcpState);
            assertNotEquals(TcpState.IGNORE, e.tcpState);
            assertNotEquals(TcpState.NONE, e.tcpState);
            assertTrue(e.expires <= clock[0] + e.tcpState.timeoutSeconds * 1000L);
        }
    }

    @Test
    void timeoutsAndLooseComeFromSysctls() {
        var sys = new io.fnlab.model.sysctl.Sysctls(java.util.Map.of("net.netfilter.nf_conntrack_tcp_timeout_established", "900",
                "net.netfilter.nf_conntrack_tcp_loose", "0"));
        Conntrack c = new Conntrack(() -> 0, () -> Tracer.OFF, sys);
        assertEquals(900, c.tcpTimeout(TcpState.ESTABLISHED));
        assertEquals(120, c.tcpTimeout(TcpState.TIME_WAIT));
        SkBuff midStream = SkBuff.tcp(C, 40000, S, 80, ACK);
        c.in(midStream, PRE);
        assertFalse(c.tracked(midStream), "nf_conntrack_tcp_loose=0: no pickup of established connections");
        SkBuff picked = SkBuff.tcp(C, 40000, S, 80, ACK);
        ct.in(picked, PRE);
        assertTrue(ct.tracked(picked), "default loose=1 picks it up");
        assertEquals(TcpState.ESTABLISHED, ((NfConn) picked.nfct).tcpState);
    }
}
