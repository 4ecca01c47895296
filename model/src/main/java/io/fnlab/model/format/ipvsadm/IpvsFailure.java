package io.fnlab.model.format.ipvsadm;

/** What ipvsadm prints when a command fails (its fail() text or ipvs_strerror()). Internal. */
class IpvsFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IpvsFailure(String message) {
        super(message, null, false, false);
    }

    /** Accepted by the real tool but not applied faithfully by fnlab: becomes a ParseError. */
    static final class NotModelled extends IpvsFailure {
        private static final long serialVersionUID = 1L;

        NotModelled(String message) {
            super(message);
        }
    }

    // libipvs.c ipvs_strerror: messages per operation and errno
    static final String SERVICE_EXISTS = "Service already exists";
    static final String NO_SCHEDULER = "Scheduler or persistence engine not found";
    static final String NO_SUCH_SERVICE = "No such service";
    static final String SERVICE_NOT_DEFINED = "Service not defined";
    static final String DEST_EXISTS = "Destination already exists";
    static final String NO_SUCH_DEST = "No such destination";
    static final String EINVAL = "Invalid operation.  Possibly wrong module version, address not unicast, ...";
    static final String ERANGE = "Numerical result out of range";
}
