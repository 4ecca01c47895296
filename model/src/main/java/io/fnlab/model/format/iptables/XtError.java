package io.fnlab.model.format.iptables;

/**
 * A failure of one iptables rule or command, carrying the text the real iptables prints, so that
 * a script replay gives the same diagnostic and a file reader a ParseError with the same words.
 */
final class XtError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How the real tool prints the message (which prefix goes before it on stderr). */
    enum Kind {
        /** xtables_error(PARAMETER_PROBLEM): "iptables v1.8.9 (nf_tables): MSG" plus a "Try" line. */
        USAGE,
        /** An error from the kernel (netlink errno) as iptables words it: "iptables: MSG". */
        KERNEL,
        /** Printed without a prefix, as "Bad argument `x'". */
        BARE,
        /** Real iptables accepts this, but fnlab does not model it: never a Diagnostic. */
        NOT_MODELLED
    }

    final Kind kind;
    final String text;
    /** Index of the offending word in the argument list, -1 when not tied to one. */
    final int word;
    /** The rule the kernel refused, when a whole-table check found it. */
    io.fnlab.model.netfilter.Rule rule;

    XtError(Kind kind, String text, int word) {
        super(text);
        this.kind = kind;
        this.text = text;
        this.word = word;
    }

    static XtError usage(String text, int word) {
        return new XtError(Kind.USAGE, text, word);
    }

    static XtError kernel(String text) {
        return new XtError(Kind.KERNEL, text, -1);
    }

    static XtError notModelled(String text, int word) {
        return new XtError(Kind.NOT_MODELLED, text, word);
    }

    /** The real tool's first stderr line for this failure (nft variant). */
    String stderrLine() {
        return switch (kind) {
            case USAGE -> "iptables v1.8.9 (nf_tables): " + text;
            case KERNEL -> "iptables: " + text;
            case BARE, NOT_MODELLED -> text;
        };
    }
}
