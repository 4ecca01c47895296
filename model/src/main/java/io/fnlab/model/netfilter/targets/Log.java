package io.fnlab.model.netfilter.targets;

/** LOG: prints to the kernel log and continues. Level null = default (warning). */
public record Log(String prefix, String level, boolean tcpSequence, boolean tcpOptions, boolean ipOptions,
                  boolean uid) implements Target {
    public String name() {
        return "LOG";
    }

    public boolean terminal() {
        return false;
    }
}
