package io.fnlab.sim.ipvs;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.conntrack.ConntrackApi;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;

/**
 * ip_vs_xmit.c (ip_vs_nat_xmit, ip_vs_dr_xmit, ip_vs_tunnel_xmit, ip_vs_icmp_xmit), handle_response
 * and the ICMP paths of ip_vs_core.c, and ip_vs_update_conntrack (ip_vs_nfct.c).
 */
final class IpvsXmit {
    private final Ipvs ipvs;

    IpvsXmit(Ipvs ipvs) {
        this.ipvs = ipvs;
    }

    NfVerdict xmit(SkBuff skb, IpvsConn cp, Hook hook) {
        return switch (cp.fwdMethod()) {
            case IpvsConn.F_MASQ -> natXmit(skb, cp, hook);
            case IpvsConn.F_DROUTE -> drXmit(skb, cp, hook);
            case IpvsConn.F_TUNNEL -> tunnelXmit(skb, cp, hook);
            default -> NfVerdict.ACCEPT;
        };
    }

    /**
     * __ip_vs_get_out_rt: route to the real server (the lookup is for rip), then for a non-local
     * real server decrement_ttl (ICMP time exceeded when ttl <= 1). Returns 1 local, 0 remote,
     * -1 failed (the packet is freed: the caller returns NF_STOLEN as the kernel's tx_error does).
     */
    private int outRoute(SkBuff skb, int rip, boolean knownNextHop, String fn) {
        if (ipvs.stack.isLocalAddress(rip)) return 1;
        int daddr = skb.daddr;
        skb.daddr = rip;
        boolean ok = ipvs.stack.routeOutput(skb);
        skb.daddr = daddr;
        if (!ok) {
            ipvs.trace(new Step.Dropped(Ipvs.OWNER, fn + ": no route to real server " + new Ipv4(rip)));
            return -1;
        }
        if (knownNextHop) skb.knownNextHop = rip;
        if (skb.ttl <= 1) {
            ipvs.stack.icmpSend(skb, 11, 0);
            ipvs.trace(new Step.Dropped(Ipvs.OWNER, fn + ": TTL expired (decrement_ttl); ICMP time exceeded sent"));
            return -1;
        }
        skb.ttl--;
        return 0;
    }

    /** ip_vs_nat_xmit: destination rewritten to rip:rport, then ip_vs_nat_send_or_cont. */
    NfVerdict natXmit(SkBuff skb, IpvsConn cp, Hook hook) {
        int local = outRoute(skb, cp.daddr, false, "ip_vs_nat_xmit");
        if (local < 0) return NfVerdict.STOLEN;
        if (local == 1 && new Ipv4(cp.daddr).isLoopback() && hook == Hook.INPUT) {
            ipvs.trace(new Step.Dropped(Ipvs.OWNER, "ip_vs_nat_xmit: stopping traffic to loopback address " + new Ipv4(cp.daddr)));
            return NfVerdict.STOLEN;
        }
        FiveTuple before = ipvs.tracing() ? skb.tuple() : null;
        skb.daddr = cp.daddr;
        skb.dport = cp.dport;
        if (before != null)
            ipvs.trace(new Step.Rewrite(Ipvs.OWNER, "DNAT", before, skb.tuple(), "ip_vs_nat_xmit: masq to real server "
                    + new Ipv4(cp.daddr) + ":" + cp.dport));
        return natSendOrCont(skb, cp, local == 1);
    }

    /** ip_vs_nat_send_or_cont: ipvs_property, notrack or update conntrack, then LOCAL_OUT re-injection. */
    private NfVerdict natSendOrCont(SkBuff skb, IpvsConn cp, boolean local) {
        skb.ipvsProperty = true;
        if ((cp.flags & IpvsConn.F_NFCT) == 0) notrack(skb, "vs/conntrack=0");
        else if (!skb.isIcmp()) updateConntrack(skb, cp, true);
        if (local) return NfVerdict.ACCEPT;
        ipvs.stack.localOut(skb);
        return NfVerdict.STOLEN;
    }

    /** ip_vs_send_or_cont (DR): ipvs_property, notrack unless NFCT, LOCAL_OUT re-injection. */
    private NfVerdict sendOrCont(SkBuff skb, IpvsConn cp, boolean local) {
        skb.ipvsProperty = true;
        if ((cp.flags & IpvsConn.F_NFCT) == 0) notrack(skb, "vs/conntrack=0");
        if (local) return NfVerdict.ACCEPT;
        ipvs.stack.localOut(skb);
        return NfVerdict.STOLEN;
    }

    /** ip_vs_dr_xmit: no header change; routed to rip as known next hop (IP_VS_RT_MODE_KNOWN_NH). */
    NfVerdict drXmit(SkBuff skb, IpvsConn cp, Hook hook) {
        int local = outRoute(skb, cp.daddr, true, "ip_vs_dr_xmit");
        if (local < 0) return NfVerdict.STOLEN;
        ipvs.trace(new Step.Note("ipvs: ip_vs_dr_xmit: " + skb + " sent unchanged to real server " + new Ipv4(cp.daddr)
                + " as next hop (direct routing)"));
        return sendOrCont(skb, cp, local == 1);
    }

    /**
     * ip_vs_tunnel_xmit: IPIP encapsulation in place: the original packet becomes skb.inner, the
     * outer header goes to rip with the route's source address, protocol 4, the inner TTL and TOS;
     * then ip_vs_tunnel_xmit_prepare (ipvs_property, notrack) and ip_local_out.
     */
    NfVerdict tunnelXmit(SkBuff skb, IpvsConn cp, Hook hook) {
        if (ipvs.stack.isLocalAddress(cp.daddr)) return sendOrCont(skb, cp, true);
        SkBuff inner = skb.copy();
        inner.inner = null;
        inner.dst = null;
        inner.outDev = null;
        // decrement_ttl acts on the original before encapsulation
        if (inner.ttl <= 1) {
            ipvs.stack.icmpSend(skb, 11, 0);
            ipvs.trace(new Step.Dropped(Ipvs.OWNER, "ip_vs_tunnel_xmit: TTL expired (decrement_ttl); ICMP time exceeded sent"));
            return NfVerdict.STOLEN;
        }
        inner.ttl--;
        FiveTuple before = ipvs.tracing() ? skb.tuple() : null;
        skb.inner = inner;
        skb.protocol = 4;
        skb.saddr = 0; // chosen by the route lookup (ip_route_output_key fills fl4.saddr)
        skb.daddr = cp.daddr;
        skb.sport = 0;
        skb.dport = 0;
        skb.tcpFlags = 0;
        skb.seq = 0;
        skb.ack = 0;
        skb.payload = SkBuff.EMPTY;
        skb.ttl = inner.ttl;
        skb.tos = inner.tos;
        skb.fragment = false;
        if (!ipvs.stack.routeOutput(skb)) {
            ipvs.trace(new Step.Dropped(Ipvs.OWNER, "ip_vs_tunnel_xmit: no route to real server " + new Ipv4(cp.daddr)));
            return NfVerdict.STOLEN;
        }
        if (before != null)
            ipvs.trace(new Step.Rewrite(Ipvs.OWNER, "IPIP", before, skb.tuple(), "ip_vs_tunnel_xmit: encapsulated to "
                    + new Ipv4(cp.daddr) + (skb.saddr == 0 ? " (outer source left to the route lookup)" : "")));
        skb.ipvsProperty = true;
        if ((cp.flags & IpvsConn.F_NFCT) == 0) notrack(skb, "vs/conntrack=0");
        ipvs.stack.ipLocalOut(skb);
        return NfVerdict.STOLEN;
    }

    /**
     * handle_response: for masq the source becomes vip:vport, then ip_vs_route_me_harder (with
     * snat_reroute, except at LOCAL_IN); state OUTPUT, ipvs_property, notrack or update conntrack.
     */
    NfVerdict handleResponse(SkBuff skb, IpvsConn cp, Hook hook) {
        skb.ipvsConn = cp;
        if (cp.masq()) {
            FiveTuple before = ipvs.tracing() ? skb.tuple() : null;
            skb.saddr = cp.vaddr;
            skb.sport = cp.vport;
            if (before != null)
                ipvs.trace(new Step.Rewrite(Ipvs.OWNER, "SNAT", before, skb.tuple(), "handle_response: masq reply source back to virtual service "
                        + new Ipv4(cp.vaddr) + ":" + cp.vport));
            if (ipvs.sysctls().snatReroute() != 0 && hook != Hook.INPUT) {
                if (!ipvs.stack.routeOutput(skb)) {
                    ipvs.trace(new Step.Dropped(Ipvs.OWNER, "ip_vs_route_me_harder: no route for the reply from " + skb.src()));
                    return NfVerdict.DROP;
                }
            }
        }
        ipvs.outStats(cp, skb);
        ipvs.setState(cp, TcpStates.DIR_OUTPUT, skb);
        skb.ipvsProperty = true;
        if ((cp.flags & IpvsConn.F_NFCT) == 0) notrack(skb, "vs/conntrack=0");
        else updateConntrack(skb, cp, false);
        ipvs.connPut(cp);
        return NfVerdict.ACCEPT;
    }

    private void notrack(SkBuff skb, String why) {
        ConntrackApi ct = ipvs.stack.conntrack();
        ct.untrack(skb);
        if (ipvs.tracing()) ipvs.trace(new Step.Conntrack("untracked", null, null, "UNTRACKED", "ip_vs_notrack (" + why + ")"));
    }

    /**
     * ip_vs_update_conntrack: for a masq connection and a packet in the entry's original direction,
     * the reply tuple's source becomes rip:rport (outin) or its destination vip:vport (out), via
     * nf_conntrack_alter_reply (which the conntrack package applies to unconfirmed entries only).
     */
    void updateConntrack(SkBuff skb, IpvsConn cp, boolean outin) {
        ConntrackApi ct = ipvs.stack.conntrack();
        if (!ct.tracked(skb)) return;
        if (!cp.masq()) return;
        if ((cp.flags & IpvsConn.F_ONE_PACKET) != 0) return;
        if (ct.isReply(skb)) return;
        FiveTuple reply = ct.reply(skb);
        if (reply == null) return;
        Protocol p = reply.protocol();
        boolean icmp = p.number() == 1;
        FiveTuple nr = outin
                ? new FiveTuple(p, new Ipv4(cp.daddr), icmp ? reply.sport() : cp.dport, reply.dst(), reply.dport())
                : new FiveTuple(p, reply.src(), reply.sport(), new Ipv4(cp.vaddr), icmp ? reply.dport() : cp.vport);
        ct.alterReply(skb, nr);
        if (ipvs.tracing())
            ipvs.trace(new Step.Conntrack("alter-reply", ct.original(skb), nr, null,
                    "ip_vs_update_conntrack (vs/conntrack=1): reply tuple now expects " + nr));
    }

    private static boolean isError(int type) {
        return type == 3 || type == 4 || type == 11;
    }

    /**
     * ip_vs_in_icmp: an ICMP error from outside about a packet IPVS sent to a client (the quoted
     * packet is vip:vport -> cip:cport). Returns null when not related to an IPVS connection.
     */
    NfVerdict inIcmp(SkBuff skb, Hook hook) {
        int type = skb.dport >> 8;
        SkBuff in = skb.icmpInner;
        if (!isError(type) || in == null || !(in.isTcp() || in.isUdp())) return null;
        IpvsConn cp = ipvs.conns.inGet(in.protocol, in.daddr, in.dport, in.saddr, in.sport);
        if (cp == null) return null;
        skb.ipvsConn = cp;
        ipvs.inStats(cp, skb);
        if (!cp.masq()) {
            // ip_vs_icmp_xmit: treat like a normal packet of the connection
            return xmit(skb, cp, hook);
        }
        int local = outRoute(skb, cp.daddr, false, "ip_vs_icmp_xmit");
        if (local < 0) return NfVerdict.STOLEN;
        FiveTuple before = ipvs.tracing() ? skb.tuple() : null;
        // ip_vs_nat_icmp (inout = 0): outer daddr and the quoted source become the real server
        skb.daddr = cp.daddr;
        in.saddr = cp.daddr;
        in.sport = cp.dport;
        if (before != null)
            ipvs.trace(new Step.Rewrite(Ipvs.OWNER, "DNAT", before, skb.tuple(), "ip_vs_icmp_xmit: ICMP error for " + cp
                    + " forwarded to the real server"));
        return natSendOrCont(skb, cp, local == 1);
    }

    /**
     * ip_vs_out_icmp: an ICMP error from the real server side about a packet IPVS sent to it
     * (quoted cip:cport -> rip:rport). Masq: outer source and quoted destination become vip:vport.
     */
    NfVerdict outIcmp(SkBuff skb, Hook hook) {
        int type = skb.dport >> 8;
        SkBuff in = skb.icmpInner;
        if (!isError(type) || in == null || !(in.isTcp() || in.isUdp())) return null;
        IpvsConn cp = ipvs.conns.outGet(in.protocol, in.daddr, in.dport, in.saddr, in.sport);
        if (cp == null) return null;
        skb.ipvsConn = cp;
        if (!cp.masq()) return NfVerdict.ACCEPT;
        FiveTuple before = ipvs.tracing() ? skb.tuple() : null;
        skb.saddr = cp.vaddr;
        in.daddr = cp.vaddr;
        in.dport = cp.vport;
        if (before != null)
            ipvs.trace(new Step.Rewrite(Ipvs.OWNER, "SNAT", before, skb.tuple(), "handle_response_icmp: ICMP error from the real server of "
                    + cp + " now from the virtual service"));
        if (ipvs.sysctls().snatReroute() != 0 && hook != Hook.INPUT && !ipvs.stack.routeOutput(skb)) return NfVerdict.DROP;
        ipvs.outStats(cp, skb);
        skb.ipvsProperty = true;
        if ((cp.flags & IpvsConn.F_NFCT) == 0) notrack(skb, "vs/conntrack=0");
        return NfVerdict.ACCEPT;
    }
}
