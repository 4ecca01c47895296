package io.fnlab.model.netfilter.targets;

/** -j USERCHAIN: walk it, come back on RETURN or at its end. */
public record Jump(String chain) implements Target {
    public String name() {
        return chain;
    }

    public boolean terminal() {
        return false;
    }
}
