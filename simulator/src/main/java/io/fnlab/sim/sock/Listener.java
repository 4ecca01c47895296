package io.fnlab.sim.sock;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;

/** A listening (TCP) or bound (UDP) server socket; bind 0 = INADDR_ANY. */
public record Listener(Protocol protocol, int bind, int port, String response) {
    public boolean accepts(int daddr, int dport) {
        return port == dport && (bind == 0 || bind == daddr);
    }

    @Override
    public String toString() {
        return protocol + " " + (bind == 0 ? "0.0.0.0" : new Ipv4(bind).toString()) + ":" + port;
    }
}
