package io.fnlab.sim.conntrack;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.sim.skb.SkBuff;

/**
 * The conntrack operations that code outside the conntrack package needs (IPVS, xt_conntrack,
 * xt_ipvs --vdir). The conntrack package implements it for the host.
 */
public interface ConntrackApi {
    /** True when skb carries a conntrack entry (not untracked, not none). */
    boolean tracked(SkBuff skb);

    /** True when skb's entry is seen in reply direction. */
    boolean isReply(SkBuff skb);

    /** The entry's original tuple, or null. */
    FiveTuple original(SkBuff skb);

    /** The entry's reply tuple, or null. */
    FiveTuple reply(SkBuff skb);

    /**
     * ip_vs_update_conntrack: for an unconfirmed entry, set the reply tuple to newReply (IPVS
     * rewrote the destination), as nf_conntrack_alter_reply does.
     */
    void alterReply(SkBuff skb, FiveTuple newReply);

    /** ip_vs_notrack / NOTRACK: attach the untracked template. */
    void untrack(SkBuff skb);

    /** Mark of the entry (connmark), 0 when none. */
    long ctMark(SkBuff skb);

    void setCtMark(SkBuff skb, long mark);
}
