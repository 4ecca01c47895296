package io.fnlab.model.scenario;

/** How a client connection ends, as a real client would see it. */
public enum Outcome {
    /** Handshake completed and the response came back. */
    ESTABLISHED,
    /** The client got (or sent, on an unexpected SYN-ACK) a RST. */
    RESET,
    /** An ICMP error (port/host unreachable, prohibited) came back. */
    REFUSED,
    /** Nothing came back before the client gave up. */
    TIMEOUT
}
