package io.fnlab.model.netfilter.targets;

/** -g USERCHAIN: walk it; its RETURN (or end) returns to the caller of this chain. */
public record Goto(String chain) implements Target {
    public String name() {
        return chain;
    }

    public boolean terminal() {
        return false;
    }
}
