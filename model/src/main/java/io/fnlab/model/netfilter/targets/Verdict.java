package io.fnlab.model.netfilter.targets;

/** ACCEPT, DROP, RETURN. */
public record Verdict(Kind kind) implements Target {
    public enum Kind { ACCEPT, DROP, RETURN }

    public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT);
    public static final Verdict DROP = new Verdict(Kind.DROP);
    public static final Verdict RETURN = new Verdict(Kind.RETURN);

    public String name() {
        return kind.name();
    }
}
