package io.fnlab.sim.verify.allpackets;

/**
 * What a packet looks like to the destination side of a rule at some point of its path: its
 * destination address, protocol and destination port (portKnown false: any port, used while the
 * destination-port atoms are being cut). A service is seen as its VIP:port, and after IPVS or a
 * DNAT rewrote it as each real server's address and port.
 */
record View(int daddr, int proto, int dport, boolean portKnown) {
    static View of(int daddr, int proto, int dport) {
        return new View(daddr, proto, dport, true);
    }

    static View anyPort(int daddr, int proto) {
        return new View(daddr, proto, 0, false);
    }
}
