package io.fnlab.sim.netfilter;

import static io.fnlab.sim.netfilter.Nf.*;
import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Counters;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.MarkMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.NatRange;
import io.fnlab.model.netfilter.targets.Notrack;
import io.fnlab.model.netfilter.targets.Reject;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.netfilter.targets.Verdict;
import io.fnlab.model.parse.ParseError;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class XtTablesWalkTest {
    final FakeXtContext ctx = new FakeXtContext();
    final HookState in = st(Hook.INPUT, "eth0", null);

    static MarkMatch markIs(long v) {
        return new MarkMatch(v, 0xffffffffL, false);
    }

    NfVerdict filterInput(Ruleset rs, SkBuff skb) {
        return XtTables.build(rs).walk(TableName.FILTER, Hook.INPUT, skb, in, ctx);
    }

    @Test
    void policyAppliesAtTheEndOfABuiltinChain() {
        Ruleset rs = ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.DROP, rule(setMark(1)))));
        SkBuff skb = tcp("10.0.0.1", 1000, "10.0.0.2", 80);
        assertEquals(NfVerdict.DROP, filterInput(rs, skb));
        assertEquals(1, skb.mark);
        assertEquals(List.of(new Step.PolicyApplied("filter", "INPUT", "DROP")), ctx.steps(Step.PolicyApplied.class));
    }

    @Test
    void absentTableAcceptsEverything() {
        assertEquals(NfVerdict.ACCEPT, filterInput(Ruleset.EMPTY, tcp("1.1.1.1", 1, "2.2.2.2", 2)));
    }

    @Test
    void jumpReturnsToTheRuleAfterTheJump() {
        Ruleset rs = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.DROP, rule(jump("A")), rule(orMark(0x10)),
                        rule(Verdict.ACCEPT, markIs(0x11))),
                user("A", rule(setMark(1)))));
        SkBuff skb = tcp("10.0.0.1", 1000, "10.0.0.2", 80);
        assertEquals(NfVerdict.ACCEPT, filterInput(rs, skb));
        assertEquals(0x11, skb.mark);
    }

    @Test
    void explicitReturnStopsTheUserChain() {
        Ruleset rs = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(jump("A")), rule(Verdict.DROP, markIs(1))),
                user("A", rule(setMark(1)), rule(Verdict.RETURN), rule(setMark(2)))));
        SkBuff skb = tcp("10.0.0.1", 1000, "10.0.0.2", 80);
        assertEquals(NfVerdict.DROP, filterInput(rs, skb));
        assertEquals(1, skb.mark);
    }

    @Test
    void returnInABuiltinChainAppliesThePolicy() {
        Ruleset rs = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.DROP, rule(Verdict.RETURN), rule(Verdict.ACCEPT))));
        assertEquals(NfVerdict.DROP, filterInput(rs, tcp("10.0.0.1", 1, "10.0.0.2", 2)));
    }

    @Test
    void returnFromAGotoChainReturnsToTheCallerOfTheChainThatDidTheGoto() {
        // INPUT -j A; A -g B; B RETURN => back in INPUT after the jump to A (A's rest is skipped).
        Ruleset rs = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.DROP, rule(jump("A")), rule(orMark(0x100)),
                        rule(Verdict.ACCEPT, markIs(0x101))),
                user("A", rule(go("B")), rule(setMark(0x99))),
                user("B", rule(setMark(1)), rule(Verdict.RETURN), rule(setMark(0x77)))));
        SkBuff skb = tcp("10.0.0.1", 1000, "10.0.0.2", 80);
        assertEquals(NfVerdict.ACCEPT, filterInput(rs, skb));
        assertEquals(0x101, skb.mark);
    }

    @Test
    void gotoFromABuiltinChainThenEndOfChainAppliesThePolicy() {
        Ruleset rs = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.DROP, rule(go("B")), rule(Verdict.ACCEPT)),
                user("B", rule(setMark(5)))));
        SkBuff skb = tcp("10.0.0.1", 1000, "10.0.0.2", 80);
        assertEquals(NfVerdict.DROP, filterInput(rs, skb));
        assertEquals(5, skb.mark);
    }

    @Test
    void natChainStopsAfterDnatSoALaterMarkNeverMarks() {
        Dnat dnat = new Dnat(new NatRange(Ipv4.parse("10.1.1.1"), null, null), false, false);
        Ruleset rs = ruleset(table(TableName.NAT,
                builtin("PREROUTING", Chain.Policy.ACCEPT, rule(dnat, proto("tcp")), rule(setMark(0x4000)))));
        SkBuff skb = tcp("10.0.0.1", 1000, "10.0.0.2", 80);
        NfVerdict v = XtTables.build(rs).walk(TableName.NAT, Hook.PREROUTING, skb, st(Hook.PREROUTING, "eth0", null), ctx);
        assertEquals(NfVerdict.ACCEPT, v);
        assertEquals(0, skb.mark);
        assertEquals(List.of(dnat), ctx.natCalls);
        Step.RuleMatched m = ctx.steps(Step.RuleMatched.class).get(0);
        assertEquals(1, m.index());
        assertTrue(m.effect().startsWith("DNAT --to-destination 10.1.1.1"), m.effect());
    }

    @Test
    void natTargetVerdictIsTheTablesVerdict() {
        ctx.natVerdict = NfVerdict.DROP;
        Ruleset rs = ruleset(table(TableName.NAT,
                builtin("POSTROUTING", Chain.Policy.ACCEPT, rule(new Masquerade(null, false, true)))));
        NfVerdict v = XtTables.build(rs).walk(TableName.NAT, Hook.POSTROUTING, tcp("10.0.0.1", 1, "10.0.0.2", 2),
                st(Hook.POSTROUTING, null, "eth1"), ctx);
        assertEquals(NfVerdict.DROP, v);
    }

    @Test
    void rejectSendsTheErrorAndDrops() {
        Ruleset rs = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(new Reject("tcp-reset"), proto("tcp")))));
        assertEquals(NfVerdict.DROP, filterInput(rs, tcp("10.0.0.1", 1, "10.0.0.2", 2)));
        assertEquals(List.of("tcp-reset"), ctx.rejects);
    }

    @Test
    void notrackUntracksOnlyAPacketWithoutEntryAndContinues() {
        Ruleset rs = ruleset(table(TableName.RAW,
                builtin("PREROUTING", Chain.Policy.ACCEPT, rule(new Notrack()), rule(setMark(3)))));
        XtTables x = XtTables.build(rs);
        SkBuff skb = tcp("10.0.0.1", 1, "10.0.0.2", 2);
        assertEquals(NfVerdict.ACCEPT, x.walk(TableName.RAW, Hook.PREROUTING, skb, st(Hook.PREROUTING, "eth0", null), ctx));
        assertTrue(skb.untracked);
        assertEquals(3, skb.mark);
        SkBuff seen = tcp("10.0.0.1", 1, "10.0.0.2", 2);
        seen.nfct = new Object();
        x.walk(TableName.RAW, Hook.PREROUTING, seen, st(Hook.PREROUTING, "eth0", null), ctx);
        assertFalse(seen.untracked);
        assertEquals(1, ctx.untrackCalls);
    }

    @Test
    void countersCountMatchedRulesAndThePolicy() {
        Ruleset rs = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(jump("A"), proto("tcp")), rule(null, proto("udp"))),
                user("A", rule(Verdict.RETURN, dst("10.0.0.2")), rule(Verdict.DROP))));
        XtTables x = XtTables.build(rs);
        x.walk(TableName.FILTER, Hook.INPUT, tcp("10.0.0.1", 1, "10.0.0.2", 2), in, ctx); // jump, RETURN, policy
        x.walk(TableName.FILTER, Hook.INPUT, tcp("10.0.0.1", 1, "10.0.0.3", 2), in, ctx); // jump, DROP
        x.walk(TableName.FILTER, Hook.INPUT, udp("10.0.0.1", 1, "10.0.0.3", 2), in, ctx); // count, policy
        assertEquals(new Counters(2, 80), x.counters(TableName.FILTER, "INPUT", 1));
        assertEquals(new Counters(1, 28), x.counters(TableName.FILTER, "INPUT", 2));
        assertEquals(new Counters(2, 68), x.counters(TableName.FILTER, "INPUT", 0));
        assertEquals(new Counters(1, 40), x.counters(TableName.FILTER, "A", 1));
        assertEquals(new Counters(1, 40), x.counters(TableName.FILTER, "A", 2));
        Ruleset snap = x.snapshot();
        assertEquals(new Counters(2, 68), snap.table(TableName.FILTER).get().chain("INPUT").get().counters());
        assertEquals(new Counters(1, 40), snap.table(TableName.FILTER).get().chain("A").get().rules().get(1).counters());
        x.zeroCounters();
        assertEquals(Counters.ZERO, x.counters(TableName.FILTER, "INPUT", 1));
    }

    @Test
    void traceShowsMatchedRulesOnlyWithOneBasedNumbers() {
        Ruleset rs = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(Verdict.DROP, dst("9.9.9.9")), rule(jump("A"))),
                user("A", rule(orMark(0x4000)))));
        filterInput(rs, tcp("10.0.0.1", 1, "10.0.0.2", 2));
        List<Step.RuleMatched> m = ctx.steps(Step.RuleMatched.class);
        assertEquals(2, m.size());
        assertEquals("INPUT", m.get(0).chain());
        assertEquals(2, m.get(0).index());
        assertEquals("jump A", m.get(0).effect());
        assertEquals("A", m.get(1).chain());
        assertEquals(1, m.get(1).index());
        assertEquals("MARK set 0x4000 (was 0x0)", m.get(1).effect());
        assertEquals("filter", m.get(1).table());
        assertNotEquals(0, m.get(1).source().line());
    }

    @Test
    void noStepsWhenTracingIsOff() {
        ctx.tracing = false;
        Ruleset rs = ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.DROP, rule(setMark(1)))));
        filterInput(rs, tcp("10.0.0.1", 1, "10.0.0.2", 2));
        assertTrue(ctx.steps.isEmpty());
    }

    @Test
    void jumpToAMissingChainIsRefusedNamingTheRule() {
        var r = rule(jump("NOPE"));
        Ruleset rs = ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT, r)));
        ParseError e = assertThrows(ParseError.class, () -> XtTables.build(rs));
        assertEquals(r.source(), e.where());
        assertTrue(e.problem().contains("NOPE"), e.problem());
    }

    @Test
    void aJumpLoopIsRefused() {
        var back = rule(jump("A"));
        Ruleset rs = ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT, rule(jump("A"))),
                user("A", rule(jump("B"))), user("B", rule(Verdict.ACCEPT, dst("1.1.1.1")), back)));
        ParseError e = assertThrows(ParseError.class, () -> XtTables.build(rs));
        assertEquals(back.source(), e.where());
        assertTrue(e.problem().contains("INPUT -> A -> B -> A"), e.problem());
    }

    @Test
    void aGotoLoopAndASelfJumpAreRefused() {
        assertThrows(ParseError.class, () -> XtTables.build(ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(go("A"))), user("A", rule(go("A")))))));
    }

    @Test
    void aLoopNoHookReachesIsLoadedAsTheKernelDoes() {
        XtTables.build(ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT),
                user("A", rule(jump("B"))), user("B", rule(jump("A"))))));
    }

    @Test
    void aChainReachedTwiceWithoutALoopIsFine() {
        XtTables x = XtTables.build(ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(jump("A")), rule(jump("B"))),
                user("A", rule(jump("C"))), user("B", rule(jump("C"))), user("C", rule(orMark(1))))));
        SkBuff skb = tcp("10.0.0.1", 1, "10.0.0.2", 2);
        x.walk(TableName.FILTER, Hook.INPUT, skb, in, ctx);
        assertEquals(new Counters(2, 80), x.counters(TableName.FILTER, "C", 1));
    }

    @Test
    void natTargetsOnlyFromTheirHooksAndTable() {
        Snat snat = new Snat(new NatRange(Ipv4.parse("1.1.1.1"), null, null), false, false, false);
        ParseError e = assertThrows(ParseError.class, () -> XtTables.build(ruleset(table(TableName.NAT,
                builtin("PREROUTING", Chain.Policy.ACCEPT, rule(jump("X"))), user("X", rule(snat))))));
        assertTrue(e.problem().contains("PREROUTING"), e.problem());
        assertThrows(ParseError.class, () -> XtTables.build(ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(snat))))));
        assertThrows(ParseError.class, () -> XtTables.build(ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(new Notrack()))))));
        // Unreachable user chain: the kernel checks only the table, not hooks.
        XtTables.build(ruleset(table(TableName.NAT, builtin("PREROUTING", Chain.Policy.ACCEPT), user("X", rule(snat)))));
    }

    @Test
    void tcpMatchNeedsProtocolTcp() {
        TcpMatch t = new TcpMatch(null, port(80), null, null, false);
        assertThrows(ParseError.class, () -> XtTables.build(ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(Verdict.DROP, t))))));
        assertThrows(ParseError.class, () -> XtTables.build(ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(Verdict.DROP,
                        new io.fnlab.model.netfilter.match.ProtoMatch(io.fnlab.model.net.Protocol.TCP, true), t))))));
        XtTables.build(ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT, rule(Verdict.DROP, proto("tcp"), t)))));
    }

    @Test
    void reentrantWalksKeepTheirOwnStacks() {
        // REJECT in A sends a packet through OUTPUT (which jumps too) while INPUT's stack is live.
        FakeXtContext inner = new FakeXtContext();
        Ruleset rs2 = ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(jump("A")), rule(Verdict.DROP, markIs(7))),
                builtin("OUTPUT", Chain.Policy.ACCEPT, rule(jump("B"))),
                user("A", rule(jump("B"), new io.fnlab.model.netfilter.match.AddrtypeMatch(java.util.Set.of(),
                        false, java.util.Set.of(io.fnlab.model.netfilter.match.AddrtypeMatch.AddrType.LOCAL), false,
                        false, false)), rule(setMark(7))),
                user("B", rule(jump("C"))), user("C", rule(orMark(0x10)))));
        XtTables y = XtTables.build(rs2);
        FakeXtContext outer2 = new FakeXtContext() {
            @Override
            public int addrType(int addr, String limitDev) {
                y.walk(TableName.FILTER, Hook.OUTPUT, tcp("10.0.0.2", 2, "10.0.0.1", 1), st(Hook.OUTPUT, null, "eth0"), inner);
                return 2;
            }
        };
        SkBuff skb = tcp("10.0.0.1", 1, "10.0.0.2", 2);
        assertEquals(NfVerdict.DROP, y.walk(TableName.FILTER, Hook.INPUT, skb, in, outer2));
        assertEquals(7, skb.mark);
        assertEquals(new Counters(1, 40), y.counters(TableName.FILTER, "OUTPUT", 0));
    }

    @Test
    void missingIpsetIsRefusedWhenSetsAreChecked() {
        var r = rule(Verdict.ACCEPT, new io.fnlab.model.netfilter.match.SetMatch("KUBE-X", List.of(false), false, false));
        Ruleset rs = ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT, r)));
        XtTables.build(rs);
        ParseError e = assertThrows(ParseError.class, () -> XtTables.build(rs, n -> n.equals("KUBE-Y")));
        assertEquals(r.source(), e.where());
        assertEquals("Set KUBE-X doesn't exist.", e.problem());
        XtTables.build(rs, n -> n.equals("KUBE-X"));
    }

    @Test
    void tcpResetNeedsProtocolTcp() {
        assertThrows(ParseError.class, () -> XtTables.build(ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(new Reject("tcp-reset")))))));
        XtTables.build(ruleset(table(TableName.FILTER,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(new Reject("icmp-port-unreachable"))))));
        // REJECT is registered for the filter table only
        ParseError e = assertThrows(ParseError.class, () -> XtTables.build(ruleset(table(TableName.MANGLE,
                builtin("INPUT", Chain.Policy.ACCEPT, rule(new Reject("icmp-port-unreachable")))))));
        assertTrue(e.problem().contains("only valid in filter table"), e.problem());
    }

    @Test
    void verboseTracesReportRulesThatDidNotMatch() {
        Ruleset rs = ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT,
                rule(Verdict.DROP, dst("9.9.9.9")), rule(Verdict.DROP, markIs(7)), rule(setMark(1)))));
        XtTables.build(rs).verbose(true).walk(TableName.FILTER, Hook.INPUT, tcp("10.0.0.1", 1, "10.0.0.2", 2), in, ctx);
        List<Step.Note> notes = ctx.steps(Step.Note.class);
        assertEquals(2, notes.size());
        assertTrue(notes.get(0).text().startsWith("filter INPUT rule 1 did not match: the basic fields"), notes.get(0).text());
        assertTrue(notes.get(1).text().startsWith("filter INPUT rule 2 did not match: match #1"), notes.get(1).text());
        assertEquals(1, ctx.steps(Step.RuleMatched.class).size());
    }

    @Test
    void commentsAreLeftOutOfTheWalkButVerboseTracesCountThem() {
        var comment = new io.fnlab.model.netfilter.match.CommentMatch("kubernetes service portals");
        Ruleset rs = ruleset(table(TableName.FILTER, builtin("INPUT", Chain.Policy.ACCEPT,
                rule(Verdict.DROP, comment, markIs(7)), rule(setMark(1), comment))));
        SkBuff skb = tcp("10.0.0.1", 1, "10.0.0.2", 2);
        XtTables t = XtTables.build(rs).verbose(true);
        t.walk(TableName.FILTER, Hook.INPUT, skb, in, ctx);
        List<Step.Note> notes = ctx.steps(Step.Note.class);
        assertEquals(1, notes.size());
        // the mark match is the rule's second -m match: the comment before it still counts
        assertTrue(notes.get(0).text().startsWith("filter INPUT rule 1 did not match: match #2"), notes.get(0).text());
        // a rule whose only -m match is a comment matches every packet
        assertEquals(1, skb.mark);
        assertEquals(1, t.counters(TableName.FILTER, "INPUT", 2).packets());
    }
}
