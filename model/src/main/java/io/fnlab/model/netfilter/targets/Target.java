package io.fnlab.model.netfilter.targets;

/**
 * What -j (or -g) does. Standard verdicts, jumps, and the xt_* targets fnlab models. A target's
 * record mirrors the kernel's target info; the simulator's netfilter package executes them.
 */
public sealed interface Target permits Verdict, Jump, Goto, Reject, Mark, Connmark, Dnat, Snat, Masquerade, Redirect,
        Log, Notrack, Ct, TraceTarget {

    /** The name after -j. */
    String name();

    /**
     * True when the kernel stops walking the chain after this target: the standard verdicts, the
     * NAT targets (they return NF_ACCEPT), REJECT. MARK, CONNMARK, LOG, NOTRACK, CT, TRACE return
     * XT_CONTINUE.
     */
    default boolean terminal() {
        return true;
    }
}
