package io.fnlab.sim.sock;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Tracer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A host's sockets: listening servers that answer a request with their response, client
 * connections, and what the stack does when nothing listens (tcp_v4_send_reset, ICMP port
 * unreachable from __udp4_lib_rcv). TCP is modelled at the level of flags and sequence numbers
 * that matter for matching; windows, retransmissions and options are not.
 */
public final class SocketLayer {
    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;
    /** net.ipv4.ip_local_port_range default. */
    public static final int EPHEMERAL_LOW = 32768, EPHEMERAL_HIGH = 60999;

    private final SockHost host;
    private final List<Listener> listeners = new ArrayList<>();
    private final Map<String, Tcb> tcp = new HashMap<>();
    private final Map<String, ClientConn> udp = new HashMap<>();
    private final Map<Integer, ClientConn> ping = new HashMap<>();
    private int nextPort = -1;

    /** A TCP control block: a client's connection or a server's accepted one. */
    private static final class Tcb {
        final boolean server;
        final ClientConn client;
        final Listener listener;
        final int laddr, lport, raddr, rport;
        String flow;
        String state; // server: SYN_RECV, ESTABLISHED, LAST_ACK
        long sndNxt, rcvNxt;

        Tcb(ClientConn c) {
            server = false;
            client = c;
            listener = null;
            laddr = c.laddr; lport = c.lport; raddr = c.raddr; rport = c.rport;
        }

        Tcb(Listener l, int laddr, int lport, int raddr, int rport) {
            server = true;
            client = null;
            listener = l;
            this.laddr = laddr; this.lport = lport; this.raddr = raddr; this.rport = rport;
        }
    }

    public SocketLayer(SockHost host) {
        this.host = host;
    }

    public void listen(Listener l) {
        listeners.add(l);
    }

    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    private static String key(int laddr, int lport, int raddr, int rport) {
        return laddr + ":" + lport + ">" + raddr + ":" + rport;
    }

    /**
     * __inet_hash_connect: connect() tries ports of even parity first (offset &amp;= ~1, step 2),
     * from a random offset in ip_local_port_range, and the next connect goes on from there; odd
     * ports only when no even one is free.
     */
    private int ephemeral(int raddr, int rport, int laddr) {
        int low = EPHEMERAL_LOW, high = EPHEMERAL_HIGH, size = high - low + 1;
        if (nextPort < 0) nextPort = (host.random().nextInt(size)) & ~1;
        for (int parity = 0; parity < 2; parity++) {
            for (int i = 0; i < size; i += 2) {
                int off = (nextPort + i + parity) % size;
                int p = low + off;
                if (!tcp.containsKey(key(laddr, p, raddr, rport)) && !udp.containsKey(key(laddr, p, raddr, rport))) {
                    nextPort = (off + 2) % size;
                    return p;
                }
            }
        }
        return 0;
    }

    /** connect() and send the request: TCP SYN, a UDP datagram or an ICMP echo request. */
    public ClientConn connect(String flow, Protocol proto, Ipv4 to, int port, Integer sourcePort, String request,
                              boolean close, Consumer<ClientConn> onOutcome) {
        byte[] req = request == null ? SkBuff.EMPTY : request.getBytes(StandardCharsets.UTF_8);
        ClientConn c = new ClientConn(flow, proto, to.bits(), port, req, close, onOutcome);
        c.laddr = host.selectSource(to.bits());
        if (c.laddr == 0) {
            c.decide(Outcome.REFUSED, "connect: ENETUNREACH (no route to " + to + ")");
            return c;
        }
        c.lport = sourcePort != null ? sourcePort : ephemeral(c.raddr, c.rport, c.laddr);
        if (proto.number() == 6) {
            Tcb t = new Tcb(c);
            t.flow = flow;
            c.sndNxt = host.random().nextInt() & 0xffffffffL;
            tcp.put(key(c.laddr, c.lport, c.raddr, c.rport), t);
            SkBuff syn = seg(c.laddr, c.lport, c.raddr, c.rport, SYN, c.sndNxt, 0, flow);
            c.sndNxt++;
            if (!host.send(syn, "connect(): SYN")) c.decide(Outcome.REFUSED, "connect: no route");
            else retransmitSyn(c, syn, 0);
        } else if (proto.number() == 17) {
            udp.put(key(c.laddr, c.lport, c.raddr, c.rport), c);
            SkBuff d = SkBuff.udp(new Ipv4(c.laddr), c.lport, to, port);
            d.payload = req;
            d.flow = flow;
            host.send(d, "sendmsg() on a connected UDP socket");
        } else if (proto.number() == 1) {
            c.lport = sourcePort != null ? sourcePort : 1 + host.random().nextInt(65535);
            ping.put(c.lport, c);
            SkBuff e = new SkBuff();
            e.protocol = 1; e.saddr = c.laddr; e.daddr = c.raddr; e.sport = c.lport; e.dport = 8 << 8; e.flow = flow;
            host.send(e, "ping: echo request");
        } else {
            c.decide(Outcome.REFUSED, "protocol " + proto + " clients are not modelled");
        }
        return c;
    }

    /**
     * tcp_retransmit_timer for a SYN: TCP_TIMEOUT_INIT 1 s, doubling (1, 3, 7, 15 s after connect()).
     * The client gives up when the network's client timeout passes (tcp_syn_retries is not reached).
     */
    private void retransmitSyn(ClientConn c, SkBuff syn, int n) {
        if (n >= SYN_RETRIES) return;
        host.after(1000L << n, () -> {
            if (c.state != ClientConn.State.SYN_SENT || c.outcome != null) return;
            SkBuff again = syn.copy();
            host.send(again, "SYN retransmission " + (n + 1) + " (RTO " + (1 << n) + " s)");
            retransmitSyn(c, syn, n + 1);
        });
    }

    /** SYN retransmissions modelled; the client timeout ends the connection attempt before tcp_syn_retries=6. */
    public static final int SYN_RETRIES = 4;

    private static SkBuff seg(int s, int sp, int d, int dp, int flags, long seq, long ack, String flow) {
        SkBuff b = SkBuff.tcp(new Ipv4(s), sp, new Ipv4(d), dp, flags);
        b.seq = seq & 0xffffffffL;
        b.ack = ack & 0xffffffffL;
        b.flow = flow;
        return b;
    }

    /** ip_local_deliver_finish for TCP, UDP and ICMP. */
    public void receive(SkBuff skb) {
        switch (skb.protocol) {
            case 6 -> tcpRcv(skb);
            case 17 -> udpRcv(skb);
            case 1 -> icmpRcv(skb);
            default -> {
                Tracer t = host.tracer();
                if (t.on()) t.step(new Step.Dropped("ip_local_deliver_finish", "no handler for protocol " + skb.protocol));
                host.icmpSend(skb, 3, 2);
            }
        }
    }

    // ---- TCP ----

    private void tcpRcv(SkBuff skb) {
        Tracer tr = host.tracer();
        Tcb t = tcp.get(key(skb.daddr, skb.dport, skb.saddr, skb.sport));
        int f = skb.tcpFlags;
        if (t == null && (f & SYN) != 0 && (f & ACK) == 0 && (f & RST) == 0) {
            for (Listener l : listeners) {
                if (l.protocol().number() == 6 && l.accepts(skb.daddr, skb.dport)) {
                    t = new Tcb(l, skb.daddr, skb.dport, skb.saddr, skb.sport);
                    t.flow = skb.flow;
                    t.state = "SYN_RECV";
                    t.rcvNxt = skb.seq + 1;
                    t.sndNxt = host.random().nextInt() & 0xffffffffL;
                    tcp.put(key(t.laddr, t.lport, t.raddr, t.rport), t);
                    if (tr.on()) tr.step(new Step.Delivered("listen " + l, "SYN: request socket created (SYN_RECV)"));
                    host.send(seg(t.laddr, t.lport, t.raddr, t.rport, SYN | ACK, t.sndNxt, t.rcvNxt, t.flow), "SYN-ACK");
                    t.sndNxt++;
                    return;
                }
            }
        }
        if (t == null) {
            noSocket(skb);
            return;
        }
        if (t.server) serverSeg(t, skb); else clientSeg(t, skb);
    }

    /** tcp_v4_rcv no_tcp_socket: tcp_v4_send_reset unless the segment is a RST. */
    private void noSocket(SkBuff skb) {
        Tracer tr = host.tracer();
        int f = skb.tcpFlags;
        if ((f & RST) != 0) {
            if (tr.on()) tr.step(new Step.Dropped("tcp_v4_rcv", "RST for no socket: discarded"));
            return;
        }
        if ((f & (SYN | ACK)) == (SYN | ACK)) {
            for (Tcb c : tcp.values()) {
                if (!c.server && c.lport == skb.dport && c.client.state == ClientConn.State.SYN_SENT) {
                    c.client.unexpectedSynAckFrom = new Ipv4(skb.saddr) + ":" + skb.sport;
                }
            }
        }
        if (tr.on()) tr.step(new Step.Delivered("none", "no socket for " + skb.tuple() + ": tcp_v4_send_reset"));
        SkBuff rst;
        if ((f & ACK) != 0) {
            rst = seg(skb.daddr, skb.dport, skb.saddr, skb.sport, RST, skb.ack, 0, skb.flow);
        } else {
            long len = skb.payload.length + ((f & SYN) != 0 ? 1 : 0) + ((f & FIN) != 0 ? 1 : 0);
            rst = seg(skb.daddr, skb.dport, skb.saddr, skb.sport, RST | ACK, 0, skb.seq + len, skb.flow);
        }
        host.send(rst, "tcp_v4_send_reset: segment matches no socket");
    }

    private void serverSeg(Tcb t, SkBuff skb) {
        Tracer tr = host.tracer();
        int f = skb.tcpFlags;
        String sock = "tcp " + new Ipv4(t.laddr) + ":" + t.lport + " <- " + new Ipv4(t.raddr) + ":" + t.rport;
        if ((f & RST) != 0) {
            tcp.remove(key(t.laddr, t.lport, t.raddr, t.rport));
            if (tr.on()) tr.step(new Step.Delivered(sock, "RST: connection dropped"));
            return;
        }
        if ((f & SYN) != 0) { // retransmitted SYN: answer again
            if (t.state.equals("SYN_RECV"))
                host.send(seg(t.laddr, t.lport, t.raddr, t.rport, SYN | ACK, t.sndNxt - 1, t.rcvNxt, t.flow), "SYN-ACK again");
            return;
        }
        if (t.state.equals("SYN_RECV") && (f & ACK) != 0) {
            t.state = "ESTABLISHED";
            if (tr.on()) tr.step(new Step.Delivered(sock, "handshake complete: accept()"));
            host.served(t.flow, "listen " + t.listener, new FiveTuple(Protocol.TCP, new Ipv4(t.raddr), t.rport,
                    new Ipv4(t.laddr), t.lport));
        }
        if (skb.payload.length > 0 && t.state.equals("ESTABLISHED")) {
            t.rcvNxt += skb.payload.length;
            if (tr.on()) tr.step(new Step.Delivered(sock, "request of " + skb.payload.length + " bytes; answering"));
            SkBuff resp = seg(t.laddr, t.lport, t.raddr, t.rport, PSH | ACK, t.sndNxt, t.rcvNxt, t.flow);
            resp.payload = t.listener.response() == null ? SkBuff.EMPTY : t.listener.response().getBytes(StandardCharsets.UTF_8);
            t.sndNxt += resp.payload.length;
            host.send(resp, "server response");
        }
        if ((f & FIN) != 0) {
            t.rcvNxt += 1;
            if (tr.on()) tr.step(new Step.Delivered(sock, "FIN: passive close (LAST_ACK)"));
            host.send(seg(t.laddr, t.lport, t.raddr, t.rport, FIN | ACK, t.sndNxt, t.rcvNxt, t.flow), "close(): FIN");
            t.sndNxt++;
            t.state = "LAST_ACK";
        } else if (t.state.equals("LAST_ACK") && (f & ACK) != 0 && skb.ack == (t.sndNxt & 0xffffffffL)) {
            tcp.remove(key(t.laddr, t.lport, t.raddr, t.rport));
            if (tr.on()) tr.step(new Step.Delivered(sock, "last ACK: closed"));
            host.closed(t.flow);
        }
    }

    private void clientSeg(Tcb t, SkBuff skb) {
        Tracer tr = host.tracer();
        ClientConn c = t.client;
        int f = skb.tcpFlags;
        String sock = "socket " + c.tuple();
        if ((f & RST) != 0) {
            tcp.remove(key(t.laddr, t.lport, t.raddr, t.rport));
            c.state = ClientConn.State.CLOSED;
            if (tr.on()) tr.step(new Step.Delivered(sock, "RST received"));
            c.decide(c.response != null ? Outcome.ESTABLISHED : Outcome.RESET, "RST from " + new Ipv4(skb.saddr) + ":" + skb.sport);
            return;
        }
        if (c.state == ClientConn.State.SYN_SENT) {
            if ((f & (SYN | ACK)) == (SYN | ACK) && skb.ack == (c.sndNxt & 0xffffffffL)) {
                c.rcvNxt = skb.seq + 1;
                c.state = ClientConn.State.ESTABLISHED;
                if (tr.on()) tr.step(new Step.Delivered(sock, "SYN-ACK: connected"));
                host.send(seg(c.laddr, c.lport, c.raddr, c.rport, ACK, c.sndNxt, c.rcvNxt, c.flow), "handshake ACK");
                if (c.request.length > 0) {
                    SkBuff d = seg(c.laddr, c.lport, c.raddr, c.rport, PSH | ACK, c.sndNxt, c.rcvNxt, c.flow);
                    d.payload = c.request;
                    c.sndNxt += c.request.length;
                    host.send(d, "client request");
                } else {
                    c.decide(Outcome.ESTABLISHED, "connected (no request to send)");
                    if (c.close) closeClient(c);
                }
            }
            return;
        }
        if (skb.payload.length > 0) {
            c.rcvNxt += skb.payload.length;
            c.response = new String(skb.payload, StandardCharsets.UTF_8);
            if (tr.on()) tr.step(new Step.Delivered(sock, "response of " + skb.payload.length + " bytes"));
            c.decide(Outcome.ESTABLISHED, "response received");
            if ((f & FIN) == 0) {
                if (c.close && c.state == ClientConn.State.ESTABLISHED) closeClient(c);
                else host.send(seg(c.laddr, c.lport, c.raddr, c.rport, ACK, c.sndNxt, c.rcvNxt, c.flow), "ACK");
            }
        }
        if ((f & FIN) != 0) {
            c.rcvNxt += 1;
            host.send(seg(c.laddr, c.lport, c.raddr, c.rport, ACK, c.sndNxt, c.rcvNxt, c.flow), "ACK of FIN");
            if (c.state == ClientConn.State.FIN_WAIT) {
                c.state = ClientConn.State.CLOSED; // TIME_WAIT
                c.timeWait = true;
                tcp.remove(key(t.laddr, t.lport, t.raddr, t.rport));
                if (tr.on()) tr.step(new Step.Delivered(sock, "FIN: TIME_WAIT"));
            } else if (c.close) {
                closeClient(c);
            }
        }
    }

    private void closeClient(ClientConn c) {
        SkBuff fin = seg(c.laddr, c.lport, c.raddr, c.rport, FIN | ACK, c.sndNxt, c.rcvNxt, c.flow);
        c.sndNxt++;
        c.state = ClientConn.State.FIN_WAIT;
        host.send(fin, "close(): FIN");
    }

    // ---- UDP ----

    private void udpRcv(SkBuff skb) {
        Tracer tr = host.tracer();
        ClientConn c = udp.get(key(skb.daddr, skb.dport, skb.saddr, skb.sport));
        if (c != null) {
            c.response = new String(skb.payload, StandardCharsets.UTF_8);
            if (tr.on()) tr.step(new Step.Delivered("socket " + c.tuple(), "datagram of " + skb.payload.length + " bytes"));
            c.decide(Outcome.ESTABLISHED, "response received");
            return;
        }
        for (Listener l : listeners) {
            if (l.protocol().number() == 17 && l.accepts(skb.daddr, skb.dport)) {
                if (tr.on()) tr.step(new Step.Delivered("udp " + l, "request of " + skb.payload.length + " bytes; answering"));
                host.served(skb.flow, "udp " + l, skb.tuple());
                // unconnected socket bound to INADDR_ANY: udp_sendmsg picks the source by route lookup (0 here)
                SkBuff r = SkBuff.udp(new Ipv4(l.bind()), l.port(), new Ipv4(skb.saddr), skb.sport);
                r.payload = l.response() == null ? SkBuff.EMPTY : l.response().getBytes(StandardCharsets.UTF_8);
                r.flow = skb.flow;
                host.send(r, l.bind() == 0 ? "server response (sendto on a socket bound to 0.0.0.0: source chosen by the route, no IP_PKTINFO)"
                        : "server response (sendto)");
                return;
            }
        }
        if (tr.on()) tr.step(new Step.Delivered("none", "no UDP socket for " + skb.tuple() + ": ICMP port unreachable"));
        host.icmpSend(skb, 3, 3);
    }

    // ---- ICMP ----

    private void icmpRcv(SkBuff skb) {
        Tracer tr = host.tracer();
        int type = skb.dport >> 8, code = skb.dport & 255;
        if (type == 8) {
            if (tr.on()) tr.step(new Step.Delivered("icmp", "echo request: icmp_echo answers"));
            SkBuff r = new SkBuff();
            r.protocol = 1; r.saddr = skb.daddr; r.daddr = skb.saddr; r.sport = skb.sport; r.dport = 0; r.flow = skb.flow;
            r.payload = skb.payload;
            host.send(r, "icmp_reply: echo reply");
            return;
        }
        if (type == 0) {
            ClientConn c = ping.get(skb.sport);
            if (c != null && c.raddr == skb.saddr) {
                if (tr.on()) tr.step(new Step.Delivered("socket " + c.tuple(), "echo reply"));
                c.decide(Outcome.ESTABLISHED, "echo reply");
            } else if (tr.on()) {
                tr.step(new Step.Dropped("icmp_rcv", "echo reply matches no ping socket"));
            }
            return;
        }
        SkBuff in = skb.icmpInner;
        if (in == null) return;
        String k = key(in.saddr, in.sport, in.daddr, in.dport);
        if (type == 5) {
            redirectRcv(skb, in, k);
            return;
        }
        ClientConn c = in.protocol == 6 ? (tcp.get(k) == null || tcp.get(k).server ? null : tcp.get(k).client)
                : in.protocol == 17 ? udp.get(k) : in.protocol == 1 ? ping.get(in.sport) : null;
        if (c == null) {
            if (tr.on()) tr.step(new Step.Dropped("icmp_rcv", "ICMP error type " + type + " code " + code + " for no local socket"));
            return;
        }
        if (tr.on()) tr.step(new Step.Delivered("socket " + c.tuple(), "ICMP error type " + type + " code " + code));
        // tcp_v4_err: hard errors abort a connection in SYN_SENT; established connections only note soft errors
        if (c.protocol.number() == 6 && c.state != ClientConn.State.SYN_SENT) return;
        // __udp4_lib_err: a connected UDP socket only reports hard errors (icmp_err_convert[code].fatal)
        if (c.protocol.number() == 17 && !(type == 3 && udpFatal(code))) {
            if (tr.on()) tr.step(new Step.Note("soft ICMP error on a UDP socket: not reported to the application"));
            return;
        }
        if (type == 3 || type == 11) {
            if (c.protocol.number() == 6) {
                tcp.remove(k);
                c.state = ClientConn.State.CLOSED;
            }
            c.decide(Outcome.REFUSED, "ICMP " + icmpName(type, code) + " from " + new Ipv4(skb.saddr));
        }
    }

    /**
     * icmp_redirect -> icmp_socket_deliver -> the quoted protocol's err_handler: tcp_v4_err takes
     * it only for one of our connections (not a request socket) whose quoted sequence number is
     * not beyond snd_nxt (snd_una is not modelled) and hands it to the socket's route
     * (do_redirect); udp_err (ipv4_redirect) takes any; icmp_err/ping_err one about our echo
     * request. Redirects are advice for routing: they never end a connection.
     */
    private void redirectRcv(SkBuff skb, SkBuff in, String k) {
        Tracer tr = host.tracer();
        String why = null;
        if (in.protocol == 6) {
            Tcb t = tcp.get(k);
            if (t == null) why = "tcp_v4_err: no connection of this host sent the quoted segment";
            else if (t.server && "SYN_RECV".equals(t.state)) why = "tcp_v4_err: a request socket (SYN_RECV) ignores redirects";
            else if (!t.server && seqAfter(in.seq, t.client.sndNxt)) why = "tcp_v4_err: the quoted sequence number is beyond snd_nxt";
        } else if (in.protocol == 1) {
            if ((in.dport >> 8) == 8 && !ping.containsKey(in.sport)) why = "ping_err: no ping socket sent the quoted echo request";
        } else if (in.protocol != 17) {
            why = "no error handler that takes redirects for protocol " + in.protocol;
        }
        if (why != null) {
            if (tr.on()) tr.step(new Step.Dropped("icmp_redirect", "ICMP redirect ignored: " + why));
            return;
        }
        if (tr.on()) tr.step(new Step.Delivered("icmp", "ICMP redirect from " + new Ipv4(skb.saddr) + " about " + in.dst()
                + ": passed to routing (" + (in.protocol == 6 ? "tcp_v4_err -> do_redirect" : in.protocol == 17
                ? "udp_err -> ipv4_redirect" : "ping_err -> ipv4_sk_redirect") + ")"));
        host.redirect(skb);
    }

    /** after(a, b) for 32-bit sequence numbers. */
    private static boolean seqAfter(long a, long b) {
        return (int) ((b & 0xffffffffL) - (a & 0xffffffffL)) < 0;
    }

    /** icmp_err_convert[].fatal (net/ipv4/icmp.c) for destination unreachable codes. */
    static boolean udpFatal(int code) {
        return switch (code) {
            case 2, 3, 6, 7, 8, 9, 10, 13, 14, 15 -> true;
            default -> false;
        };
    }

    public static String icmpName(int type, int code) {
        if (type == 11) return "time exceeded";
        if (type == 5) return code == 1 ? "redirect (host)" : "redirect code " + code;
        if (type != 3) return "type " + type + " code " + code;
        return switch (code) {
            case 0 -> "net unreachable";
            case 1 -> "host unreachable";
            case 2 -> "protocol unreachable";
            case 3 -> "port unreachable";
            case 9, 10, 13 -> "administratively prohibited (code " + code + ")";
            default -> "destination unreachable code " + code;
        };
    }
}
