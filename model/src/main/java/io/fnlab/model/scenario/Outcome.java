package io.fnlab.model.scenario;

/** How a client connection ends, as a real client would see it. */
public enum Outcome {
    /** Handshake completed and the response came back. */
    ESTABLISHED,
    /** The client got a RST (connect() or read() failed with ECONNREFUSED/ECONNRESET). */
    RESET,
    /** An ICMP error (port/host unreachable, prohibited) came back. */
    REFUSED,
    /**
     * Nothing the client's socket accepts came back before it gave up. A SYN-ACK from an address
     * the SYN did not go to is answered with a RST by the stack, not given to the socket: the
     * connect() still times out, as a real client sees it (curl: "Connection timed out").
     */
    TIMEOUT
}
