package io.fnlab.sim.sock;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.scenario.Outcome;
import java.util.function.Consumer;

/** A client socket (connect + send + receive [+ close]) and what it saw. */
public final class ClientConn {
    public enum State { SYN_SENT, ESTABLISHED, FIN_WAIT, CLOSED }

    public final String flow;
    public final Protocol protocol;
    public int laddr;
    public int lport;
    public final int raddr;
    public final int rport;
    public final byte[] request;
    public final boolean close;
    State state = State.SYN_SENT;
    long sndNxt;
    long rcvNxt;
    public Outcome outcome;
    public String response;
    public String detail;
    /** The host answered a SYN-ACK from elsewhere with a RST (tcp_v4_send_reset): the Outcome doc's "sent RST". */
    public String unexpectedSynAckFrom;
    /** TCP: the peer's FIN arrived after this socket's own FIN (FIN_WAIT to TIME_WAIT): both directions are shut. */
    public boolean timeWait;
    final Consumer<ClientConn> onOutcome;

    ClientConn(String flow, Protocol protocol, int raddr, int rport, byte[] request, boolean close,
               Consumer<ClientConn> onOutcome) {
        this.flow = flow;
        this.protocol = protocol;
        this.raddr = raddr;
        this.rport = rport;
        this.request = request;
        this.close = close;
        this.onOutcome = onOutcome;
    }

    /** The connection as the client sees it: local address and port to the address it connected to. */
    public FiveTuple tuple() {
        return new FiveTuple(protocol, new Ipv4(laddr), lport, new Ipv4(raddr), rport);
    }

    void decide(Outcome o, String why) {
        if (outcome != null) return;
        outcome = o;
        detail = why;
        if (onOutcome != null) onOutcome.accept(this);
    }

    /**
     * The client gives up (no answer in time): TIMEOUT, as connect() reports it, also when the
     * stack had answered a stray SYN-ACK with a RST (the socket never sees that SYN-ACK; seen on
     * a real 6.1 kernel with seed 002's NAT without SNAT). The detail says so.
     */
    public void giveUp(String why) {
        if (outcome != null) return;
        if (unexpectedSynAckFrom != null) decide(Outcome.TIMEOUT, "sent RST: the SYN-ACK came from " + unexpectedSynAckFrom
                + ", not from the address the SYN went to (tcp_v4_send_reset, no matching socket); connect() timed out");
        else decide(Outcome.TIMEOUT, why);
    }

    public State state() {
        return state;
    }
}
