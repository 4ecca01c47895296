package io.fnlab.model.netfilter.match;

/** -f: second and later fragments. */
public record FragmentMatch(boolean negated) implements Match {
    public String module() {
        return null;
    }
}
