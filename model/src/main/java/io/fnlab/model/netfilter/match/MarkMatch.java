package io.fnlab.model.netfilter.match;

/** xt_mark: --mark value[/mask] against skb->mark; (mark &amp; mask) == value. */
public record MarkMatch(long value, long mask, boolean negated) implements Match {
    public boolean matches(long mark) {
        return ((mark & mask) == value) != negated;
    }

    public String module() {
        return "mark";
    }
}
