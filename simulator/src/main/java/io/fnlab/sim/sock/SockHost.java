package io.fnlab.sim.sock;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Tracer;
import java.util.random.RandomGenerator;

/** What the socket layer needs from its host. */
public interface SockHost {
    String hostName();

    long now();

    RandomGenerator random();

    Tracer tracer();

    /**
     * A new packet from a socket or the stack (ip_queue_xmit, ip_send_unicast_reply): routed
     * (source selected when saddr is 0) and sent through OUTPUT, with its own trace.
     */
    boolean send(SkBuff skb, String reason);

    /** ip_route_output source selection for a connect() to daddr; 0 when there is no route (ENETUNREACH). */
    int selectSource(int daddr);

    /** icmp_send for a packet this host received. */
    void icmpSend(SkBuff skb, int type, int code);

    /** __ip_do_redirect: an ICMP redirect the protocol's error handler accepted for routing (the host checks it). */
    void redirect(SkBuff icmp);

    /** Run later on this host's clock. */
    void after(long millis, Runnable r);

    /** A server socket took a connection or datagram of this flow: report it (who served, its view). */
    void served(String flow, String socket, FiveTuple serverView);

    /** A server socket of this flow got the last ACK of its FIN (LAST_ACK to CLOSED): its side of the close is done. */
    default void closed(String flow) {}
}
