package io.fnlab.model.netfilter.targets;

/** NOTRACK (raw table): attach the untracked template, so conntrack and NAT ignore the packet. */
public record Notrack() implements Target {
    public String name() {
        return "NOTRACK";
    }

    public boolean terminal() {
        return false;
    }
}
