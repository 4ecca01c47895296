package io.fnlab.model.ipset;

import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;

/** One dimension of an ipset entry. */
public sealed interface SetElem {
    /** An address (length 32) or, for NET dimensions, a prefix. */
    record Net(Prefix prefix) implements SetElem {
        @Override
        public String toString() {
            return prefix.length() == 32 ? prefix.address().toString() : prefix.network().toString();
        }
    }

    /** A port with its protocol, as ipset save prints it ("tcp:80", "udp:53"). */
    record Port(Protocol protocol, int port) implements SetElem {}
}
