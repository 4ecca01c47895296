package io.fnlab.sim.netfilter;

import static io.fnlab.sim.netfilter.Nf.*;
import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.targets.Connmark;
import io.fnlab.model.netfilter.targets.Ct;
import io.fnlab.model.netfilter.targets.Log;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.netfilter.targets.TraceTarget;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import org.junit.jupiter.api.Test;

class XtTargetsTest {
    final FakeXtContext ctx = new FakeXtContext();

    SkBuff run(TableName t, Hook h, SkBuff skb, Target... ts) {
        var rules = new io.fnlab.model.netfilter.Rule[ts.length];
        for (int i = 0; i < ts.length; i++) rules[i] = rule(ts[i]);
        XtTables x = XtTables.build(ruleset(table(t, builtin(h.name(), Chain.Policy.ACCEPT, rules))));
        assertEquals(NfVerdict.ACCEPT, x.walk(t, h, skb, st(h, "eth0", null), ctx));
        return skb;
    }

    SkBuff pkt(long mark) {
        SkBuff s = tcp("10.0.0.1", 1, "10.0.0.2", 2);
        s.mark = mark;
        return s;
    }

    @Test
    void connmarkSetSaveRestoreWithMasks() {
        ctx.ctMark = 0xff00;
        run(TableName.MANGLE, Hook.PREROUTING, pkt(0), new Connmark(Connmark.Mode.SET, 0x12, 0xff, 0, 0));
        assertEquals(0xff12, ctx.ctMark);
        // save: ctmark = (ctmark & ~ctmask) ^ (mark & nfmask)
        ctx.ctMark = 0xab00;
        run(TableName.MANGLE, Hook.PREROUTING, pkt(0x1234), new Connmark(Connmark.Mode.SAVE, 0, 0, 0x00ff, 0x00ff));
        assertEquals(0xab34, ctx.ctMark);
        // restore: mark = (mark & ~nfmask) ^ (ctmark & ctmask)
        ctx.ctMark = 0x5678;
        SkBuff p = run(TableName.MANGLE, Hook.PREROUTING, pkt(0x1200), new Connmark(Connmark.Mode.RESTORE, 0, 0, 0xff, 0xff));
        assertEquals(0x1278, p.mark);
        // without a conntrack entry nothing happens
        ctx.tracked = false;
        SkBuff q = run(TableName.MANGLE, Hook.PREROUTING, pkt(0x1), new Connmark(Connmark.Mode.RESTORE, 0, 0, -1L, -1L));
        assertEquals(0x1, q.mark);
    }

    @Test
    void logAndTraceContinueAndLeaveNotes() {
        SkBuff p = run(TableName.RAW, Hook.PREROUTING, pkt(0), new Log("fnlab: ", null, false, false, false, false),
                new TraceTarget(), setMark(9));
        assertEquals(9, p.mark);
        var notes = ctx.steps(Step.Note.class);
        assertEquals(2, notes.size());
        assertTrue(notes.get(0).text().startsWith("LOG fnlab: IN=eth0"), notes.get(0).text());
    }

    @Test
    void ctNotrackUntracksAndCtZoneIsNotModelled() {
        SkBuff p = run(TableName.RAW, Hook.OUTPUT, pkt(0), new Ct(true, null, null));
        assertTrue(p.untracked);
        SkBuff q = run(TableName.RAW, Hook.OUTPUT, pkt(0), new Ct(false, 5, null));
        assertFalse(q.untracked);
        assertEquals(1, ctx.steps(Step.NotModelled.class).size());
    }
}
