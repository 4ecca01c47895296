package io.fnlab.model.netfilter.targets;

/** TRACE (raw table): the simulator's traces already show every rule; this only flags the packet. */
public record TraceTarget() implements Target {
    public String name() {
        return "TRACE";
    }

    public boolean terminal() {
        return false;
    }
}
