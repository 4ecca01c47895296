package io.fnlab.model.netfilter.targets;

/**
 * CONNMARK: SET (ctmark = (ctmark &amp; ~mask) ^ value), SAVE (ctmark from skb->mark) or RESTORE
 * (skb->mark from ctmark), with the nfmask/ctmask of revision 1.
 */
public record Connmark(Mode mode, long value, long mask, long nfmask, long ctmask) implements Target {
    public enum Mode { SET, SAVE, RESTORE }

    public String name() {
        return "CONNMARK";
    }

    public boolean terminal() {
        return false;
    }
}
