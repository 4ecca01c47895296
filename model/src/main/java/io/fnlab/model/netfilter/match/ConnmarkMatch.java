package io.fnlab.model.netfilter.match;

/** xt_connmark: --mark value[/mask] against the conntrack entry's mark. */
public record ConnmarkMatch(long value, long mask, boolean negated) implements Match {
    public boolean matches(long ctmark) {
        return ((ctmark & mask) == value) != negated;
    }

    public String module() {
        return "connmark";
    }
}
