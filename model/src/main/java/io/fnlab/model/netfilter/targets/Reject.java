package io.fnlab.model.netfilter.targets;

/** REJECT --reject-with TYPE (default icmp-port-unreachable; tcp-reset sends a RST). */
public record Reject(String with) implements Target {
    public static final String DEFAULT = "icmp-port-unreachable";

    public String name() {
        return "REJECT";
    }
}
