package io.fnlab.model.netfilter.targets;

/** CT --notrack (the other options, zones and helpers, are reported as not modelled). */
public record Ct(boolean notrack, Integer zone, String helper) implements Target {
    public String name() {
        return "CT";
    }

    public boolean terminal() {
        return false;
    }
}
