package io.fnlab.model.format.ipset;

/**
 * What the real ipset prints when a command fails, without its "ipset vX.Y: " prefix and the
 * "Try `ipset help'" trailer. Internal: callers see a Diagnostic (commands) or a ParseError (files).
 */
class ToolFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ToolFailure(String message) {
        super(message, null, false, false);
    }

    /** Refused by the kernel (checked after everything ipset itself parses). */
    static final class Kernel extends ToolFailure {
        private static final long serialVersionUID = 1L;

        Kernel(String message) {
            super(message);
        }
    }

    /** Input the real tool would accept but fnlab cannot apply faithfully: becomes a ParseError. */
    static final class NotModelled extends ToolFailure {
        private static final long serialVersionUID = 1L;

        NotModelled(String message) {
            super(message);
        }
    }
}
