package io.fnlab.model.format.iproute;

/** What ip(8) prints when a command fails. Internal: callers get a Diagnostic or a ParseError. */
class IpFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IpFailure(String message) {
        super(message, null, false, false);
    }

    /** Accepted by the real tool but not applied faithfully by fnlab: becomes a ParseError. */
    static final class NotModelled extends IpFailure {
        private static final long serialVersionUID = 1L;

        NotModelled(String message) {
            super(message);
        }
    }

    static IpFailure noDevice(String d) {
        return new IpFailure("Cannot find device \"" + d + "\"");
    }

    static final String EXISTS = "RTNETLINK answers: File exists";
}
