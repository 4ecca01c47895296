package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.targets.Connmark;
import io.fnlab.model.netfilter.targets.Ct;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Log;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.Notrack;
import io.fnlab.model.netfilter.targets.Redirect;
import io.fnlab.model.netfilter.targets.Reject;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.netfilter.targets.TraceTarget;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;

/**
 * The xt_* targets (everything but the standard verdicts and jumps). Each returns null for
 * XT_CONTINUE or the verdict that ends the table walk.
 */
final class XtTargets {
    private XtTargets() {}

    /** A compiled target. */
    abstract static class Exec {
        /** Runs the target; when tracing, reports the rule as matched with what the target did. */
        abstract NfVerdict run(XtRule r, SkBuff skb, HookState state, XtContext ctx, boolean tracing);
    }

    static Exec compile(Target t) {
        if (t instanceof Mark m) return new MarkExec(m);
        if (t instanceof Connmark c) return new ConnmarkExec(c);
        if (t instanceof Log l) return new LogExec(l);
        if (t instanceof Notrack) return new NotrackExec(null);
        if (t instanceof Ct c) return new NotrackExec(c);
        if (t instanceof TraceTarget) return new TraceExec();
        if (t instanceof Reject r) return new RejectExec(r);
        if (t instanceof Dnat || t instanceof Snat || t instanceof Masquerade || t instanceof Redirect)
            return new NatExec(t);
        throw new IllegalArgumentException("not an xt_* target: " + t);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v & 0xffffffffL);
    }

    static void matched(XtRule r, XtContext ctx, String effect) {
        ctx.tracer().step(new Step.RuleMatched(r.table.label(), r.chain, r.number, r.text(), r.rule.source(), effect));
    }

    /** xt_mark.c mark_tg: skb->mark = (skb->mark &amp; ~mask) ^ value. */
    static final class MarkExec extends Exec {
        private final Mark m;

        MarkExec(Mark m) {
            this.m = m;
        }

        NfVerdict run(XtRule r, SkBuff skb, HookState state, XtContext ctx, boolean tracing) {
            long nm = m.apply(skb.mark);
            if (tracing) matched(r, ctx, "MARK set " + hex(nm) + " (was " + hex(skb.mark) + ")");
            skb.mark = nm;
            return null;
        }
    }

    /** xt_connmark.c connmark_tg_shift (shift 0): nothing to do without a conntrack entry. */
    static final class ConnmarkExec extends Exec {
        private final Connmark c;

        ConnmarkExec(Connmark c) {
            this.c = c;
        }

        NfVerdict run(XtRule r, SkBuff skb, HookState state, XtContext ctx, boolean tracing) {
            var ct = ctx.conntrack();
            if (!ct.tracked(skb)) {
                if (tracing) matched(r, ctx, "CONNMARK: no conntrack entry, nothing done");
                return null;
            }
            long ctmark = ct.ctMark(skb) & 0xffffffffL;
            switch (c.mode()) {
                case SET -> {
                    long n = ((ctmark & ~c.mask()) ^ c.value()) & 0xffffffffL;
                    if (tracing) matched(r, ctx, "CONNMARK set ctmark " + hex(n) + " (was " + hex(ctmark) + ")");
                    if (n != ctmark) ct.setCtMark(skb, n);
                }
                case SAVE -> {
                    long n = ((ctmark & ~c.ctmask()) ^ (skb.mark & c.nfmask())) & 0xffffffffL;
                    if (tracing) matched(r, ctx, "CONNMARK save ctmark " + hex(n) + " (was " + hex(ctmark) + ")");
                    if (n != ctmark) ct.setCtMark(skb, n);
                }
                case RESTORE -> {
                    long n = ((skb.mark & ~c.nfmask()) ^ (ctmark & c.ctmask())) & 0xffffffffL;
                    if (tracing) matched(r, ctx, "CONNMARK restore mark " + hex(n) + " (was " + hex(skb.mark) + ")");
                    skb.mark = n;
                }
            }
            return null;
        }
    }

    /** xt_LOG: writes to the kernel log and continues. */
    static final class LogExec extends Exec {
        private final Log l;

        LogExec(Log l) {
            this.l = l;
        }

        NfVerdict run(XtRule r, SkBuff skb, HookState state, XtContext ctx, boolean tracing) {
            if (tracing) {
                matched(r, ctx, "LOG");
                ctx.tracer().step(new Step.Note("LOG " + (l.prefix() == null ? "" : l.prefix()) + "IN="
                        + (state.in() == null ? "" : state.in()) + " OUT=" + (state.out() == null ? "" : state.out())
                        + " " + skb));
            }
            return null;
        }
    }

    /**
     * xt_NOTRACK / xt_CT.c xt_ct_target: a packet that already has an entry (or the untracked
     * template) is left alone; otherwise it gets the untracked template.
     */
    static final class NotrackExec extends Exec {
        private final Ct ct;

        NotrackExec(Ct ct) {
            this.ct = ct;
        }

        NfVerdict run(XtRule r, SkBuff skb, HookState state, XtContext ctx, boolean tracing) {
            if (ct != null && !ct.notrack()) {
                if (tracing) {
                    matched(r, ctx, "CT");
                    ctx.tracer().step(new Step.NotModelled("CT" + (ct.zone() != null ? " --zone " + ct.zone() : "")
                            + (ct.helper() != null ? " --helper " + ct.helper() : ""),
                            "conntrack zones and helpers are not modelled; the packet is tracked as usual"));
                }
                return null;
            }
            boolean already = skb.nfct != null || skb.untracked;
            if (tracing) matched(r, ctx, already ? "NOTRACK: packet already has a conntrack entry, no effect" : "NOTRACK");
            if (!already) ctx.conntrack().untrack(skb);
            return null;
        }
    }

    /** xt_TRACE: the simulator's traces already show every rule. */
    static final class TraceExec extends Exec {
        NfVerdict run(XtRule r, SkBuff skb, HookState state, XtContext ctx, boolean tracing) {
            if (tracing) {
                matched(r, ctx, "TRACE");
                ctx.tracer().step(new Step.Note("TRACE: fnlab traces show every matched rule already"));
            }
            return null;
        }
    }

    /** ipt_REJECT.c reject_tg: send the error, then NF_DROP. */
    static final class RejectExec extends Exec {
        private final String with;

        RejectExec(Reject r) {
            with = r.with() == null ? Reject.DEFAULT : r.with();
        }

        NfVerdict run(XtRule r, SkBuff skb, HookState state, XtContext ctx, boolean tracing) {
            if (tracing) matched(r, ctx, "REJECT --reject-with " + with);
            ctx.reject(with, skb, state);
            return NfVerdict.DROP;
        }
    }

    /** DNAT, SNAT, MASQUERADE, REDIRECT: nf_nat_setup_info through the host; always terminal. */
    static final class NatExec extends Exec {
        private final Target t;

        NatExec(Target t) {
            this.t = t;
        }

        NfVerdict run(XtRule r, SkBuff skb, HookState state, XtContext ctx, boolean tracing) {
            if (tracing) matched(r, ctx, t.name() + describe(t));
            return ctx.natTarget(t, skb, state);
        }

        private static String describe(Target t) {
            if (t instanceof Dnat d) return " --to-destination " + d.range().format();
            if (t instanceof Snat s) return " --to-source " + s.range().format();
            if (t instanceof Masquerade m) return m.ports() == null ? "" : " --to-ports " + m.ports().format('-');
            if (t instanceof Redirect d) return d.ports() == null ? "" : " --to-ports " + d.ports().format('-');
            return "";
        }
    }
}
