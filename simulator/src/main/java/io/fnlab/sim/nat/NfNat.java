package io.fnlab.sim.nat;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.conntrack.Conntrack;
import io.fnlab.sim.conntrack.CtInfo;
import io.fnlab.sim.conntrack.NfConn;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Tracer;
import java.util.random.RandomGenerator;

/**
 * nf_nat (net/netfilter/nf_nat_core.c, nf_nat_proto.c): the hook function that runs the nat table
 * for the first packet of a connection, the binding (nf_nat_setup_info with get_unique_tuple),
 * and the per-packet translation (nf_nat_packet) for both directions.
 */
public final class NfNat {
    /** What nf_nat needs from its host. */
    public interface Env {
        RandomGenerator random();

        Tracer tracer();

        /** Walk the nat table's chain for this hook (the xtables walker); its NAT targets call {@link #setupInfo}. */
        NfVerdict runNatTable(SkBuff skb, HookState state);
    }

    /** NF_NAT_MAX_ATTEMPTS */
    static final int MAX_ATTEMPTS = 128;

    private final Conntrack conntrack;
    private final Env env;

    public NfNat(Conntrack conntrack, Env env) {
        this.conntrack = conntrack;
        this.env = env;
    }

    /** nf_nat_inet_fn: the hook function for every nat hook. */
    public NfVerdict hook(SkBuff skb, HookState state) {
        if (!(skb.nfct instanceof NfConn ct)) return NfVerdict.ACCEPT; // untracked or no entry: no NAT at all
        ManipType mt = ManipType.of(state.hook());
        int ctinfo = skb.ctinfo;
        if (ctinfo == CtInfo.RELATED || ctinfo == CtInfo.RELATED_REPLY) {
            if (skb.isIcmp() && Conntrack.isIcmpError(skb.dport >> 8)) return icmpReplyTranslation(skb, ct, ctinfo, mt);
            ctinfo = CtInfo.NEW;
        }
        if (ctinfo == CtInfo.NEW && !initialized(ct, mt)) {
            NfVerdict v = env.runNatTable(skb, state);
            if (v != NfVerdict.ACCEPT) return v;
            if (!initialized(ct, mt)) allocNullBinding(ct, mt);
        }
        return packet(ct, skb.ctinfo, mt, skb);
    }

    public static boolean initialized(NfConn ct, ManipType mt) {
        return ct.has(mt == ManipType.SRC ? NfConn.SRC_NAT_DONE : NfConn.DST_NAT_DONE);
    }

    /** __nf_nat_alloc_null_binding: bind to the current address so that later packets are not looked at again. */
    void allocNullBinding(NfConn ct, ManipType mt) {
        int ip = mt == ManipType.SRC ? ct.reply.dst().bits() : ct.reply.src().bits();
        setupInfo(ct, NatSpec.address(ip), mt, "null binding");
    }

    /**
     * nf_nat_setup_info: choose a unique tuple in the range and make the reply tuple its inverse.
     * Returns ACCEPT (the kernel cannot fail here except when a protocol has no unique tuple left,
     * which it reports by leaving the tuple clashing: the entry then dies at confirm).
     */
    public NfVerdict setupInfo(NfConn ct, NatSpec range, ManipType mt, String by) {
        if (ct.has(NfConn.CONFIRMED) || initialized(ct, mt)) return NfVerdict.ACCEPT;
        FiveTuple curr = Conntrack.invert(ct.reply);
        FiveTuple nw = uniqueTuple(curr, range, ct, mt);
        Tracer t = env.tracer();
        if (nw != curr && !nw.equals(curr)) { // most bindings keep the tuple object itself: no field-by-field compare
            ct.reply = Conntrack.invert(nw);
            ct.status |= mt == ManipType.SRC ? NfConn.SRC_NAT : NfConn.DST_NAT;
            if (t.on()) t.step(new Step.Conntrack("nat-binding", ct.original, ct.reply, ct.stateName(),
                    by + " (" + mt + "): " + curr + " becomes " + nw));
        } else if (t.on() && !by.equals("null binding")) {
            t.step(new Step.Note(by + " (" + mt + ") keeps " + curr + ": the tuple is unchanged"));
        }
        ct.status |= mt == ManipType.SRC ? NfConn.SRC_NAT_DONE : NfConn.DST_NAT_DONE;
        if (!by.equals("null binding")) ct.natNote = ct.natNote == null ? by : ct.natNote + ", " + by;
        return NfVerdict.ACCEPT;
    }

    /** get_unique_tuple (nf_nat_core.c). */
    FiveTuple uniqueTuple(FiveTuple orig, NatSpec range, NfConn ct, ManipType mt) {
        if (mt == ManipType.SRC && !range.randomAll()) {
            // 1) try the original tuple first (find_appropriate_src, the bysource cache, is not modelled)
            if (inRange(orig, range, mt) && !usedTuple(orig, ct)) return orig;
        }
        // 2) select an address in the range
        FiveTuple tuple = bestIps(orig, range, mt);
        // 3) the port part must make the tuple unique
        if (!range.randomAll()) {
            if (range.ports() != null) {
                if (portInRange(tuple, mt, range.ports()) && (range.ports().isSingle() || !usedTuple(tuple, ct))) return tuple;
            } else if (!usedTuple(tuple, ct)) {
                return tuple;
            }
        }
        return l4UniqueTuple(tuple, range, mt, ct);
    }

    /** nf_nat_used_tuple: the reply of this tuple is already in the table. */
    boolean usedTuple(FiveTuple tuple, NfConn ct) {
        if (tuple.protocol().hasPorts()) return usedTuple(tuple.protocol().number(), tuple.src().bits(), tuple.sport(),
                tuple.dst().bits(), tuple.dport(), ct);
        return conntrack.tupleTaken(Conntrack.invert(tuple), ct);
    }

    /** {@link #usedTuple(FiveTuple, NfConn)} for a protocol with ports (the inverse is the reversed tuple), from its numbers. */
    private boolean usedTuple(int protocol, int saddr, int sport, int daddr, int dport, NfConn ct) {
        return conntrack.tupleTaken(protocol, daddr, dport, saddr, sport, ct);
    }

    static boolean inRange(FiveTuple t, NatSpec r, ManipType mt) {
        int a = (mt == ManipType.SRC ? t.src() : t.dst()).bits();
        if (r.mapIps() && (Integer.compareUnsigned(a, r.minAddr()) < 0 || Integer.compareUnsigned(a, r.maxAddr()) > 0))
            return false;
        return r.ports() == null || portInRange(t, mt, r.ports());
    }

    static boolean portInRange(FiveTuple t, ManipType mt, PortRange p) {
        if (!t.protocol().hasPorts()) return true;
        return p.contains(mt == ManipType.SRC ? t.sport() : t.dport());
    }

    /** find_best_ips_proto: the address from the range; a hash of the other addresses picks in a wider range. */
    static FiveTuple bestIps(FiveTuple t, NatSpec r, ManipType mt) {
        if (!r.mapIps()) return t;
        long min = r.minAddr() & 0xffffffffL, max = r.maxAddr() & 0xffffffffL;
        long pick = min;
        if (max > min) {
            // the kernel hashes saddr (and daddr unless --persistent) with jhash2; fnlab uses a fixed mix of them
            int h = mt == ManipType.SRC ? t.src().bits() : t.dst().bits();
            int other = r.persistent() ? 0 : (mt == ManipType.SRC ? t.dst().bits() : t.src().bits());
            long mix = ((h * 0x9E3779B1L) ^ (other * 0x85EBCA77L)) & 0xffffffffL;
            pick = min + mix % (max - min + 1);
        }
        Ipv4 a = new Ipv4((int) pick);
        return mt == ManipType.SRC ? new FiveTuple(t.protocol(), a, t.sport(), t.dst(), t.dport())
                : new FiveTuple(t.protocol(), t.src(), t.sport(), a, t.dport());
    }

    /** nf_nat_l4proto_unique_tuple (nf_nat_core.c): the kernel's port ranges and random start. */
    FiveTuple l4UniqueTuple(FiveTuple t, NatSpec r, ManipType mt, NfConn ct) {
        if (!t.protocol().hasPorts()) return t; // ICMP id remapping is not modelled
        int port = mt == ManipType.SRC ? t.sport() : t.dport();
        int min, size;
        if (r.ports() == null) {
            if (mt == ManipType.DST) return t; // "If it's dst rewrite, can't change port"
            if (port < 1024) {
                if (port < 512) { min = 1; size = 511; } else { min = 600; size = 1023 - 600 + 1; }
            } else { min = 1024; size = 65535 - 1024 + 1; }
        } else {
            min = r.ports().from();
            size = r.ports().to() - min + 1;
        }
        long off = (r.randomAll() || mt != ManipType.DST) ? env.random().nextInt(65536) : 0;
        int attempts = Math.min(size, MAX_ATTEMPTS);
        int proto = t.protocol().number(), sa = t.src().bits(), da = t.dst().bits();
        while (true) {
            for (int i = 0; i < attempts; i++, off++) {
                int p = (int) (min + off % size);
                // candidates are checked from their numbers; only the chosen one becomes a tuple
                boolean used = mt == ManipType.SRC ? usedTuple(proto, sa, p, da, t.dport(), ct)
                        : usedTuple(proto, sa, t.sport(), da, p, ct);
                if (!used) return mt == ManipType.SRC ? new FiveTuple(t.protocol(), t.src(), p, t.dst(), t.dport())
                        : new FiveTuple(t.protocol(), t.src(), t.sport(), t.dst(), p);
            }
            if (attempts >= size || attempts < 16) {
                return t; // no free port: the kernel leaves the clashing tuple (the entry dies at confirm)
            }
            attempts /= 2;
            off = env.random().nextInt(65536);
        }
    }

    /** nf_nat_packet: apply the stored translation for the packet's direction at this hook. */
    public NfVerdict packet(NfConn ct, int ctinfo, ManipType mt, SkBuff skb) {
        boolean reply = CtInfo.isReply(ctinfo);
        int statusbit = mt == ManipType.SRC ? NfConn.SRC_NAT : NfConn.DST_NAT;
        if (reply) statusbit = statusbit == NfConn.SRC_NAT ? NfConn.DST_NAT : NfConn.SRC_NAT;
        if (!ct.has(statusbit)) return NfVerdict.ACCEPT;
        Tracer t = env.tracer();
        FiveTuple before = t.on() ? skb.tuple() : null;
        if (ct.has(NfConn.CONFIRMED)) manipInverse(skb, ct, !reply, mt);
        else manipInverse(skb, reply ? ct.original : ct.reply, mt);
        String kind = reply ? (mt == ManipType.SRC ? "de-DNAT" : "de-SNAT") : (mt == ManipType.SRC ? "SNAT" : "DNAT");
        if (t.on()) t.step(new Step.Rewrite("nf_nat", kind,
                before, skb.tuple(), ct.natNote));
        return NfVerdict.ACCEPT;
    }

    /**
     * manip(skb, invert(other), mt) without building the inverted tuple: the inverse's source is
     * other's destination (and its source port other's destination port where there are ports;
     * ICMP's id and type are not rewritten by manip).
     */
    static void manipInverse(SkBuff skb, FiveTuple other, ManipType mt) {
        if (mt == ManipType.SRC) rewrite(skb, mt, other.dst().bits(), other.dport());
        else rewrite(skb, mt, other.src().bits(), other.sport());
    }

    /** {@link #manipInverse(SkBuff, FiveTuple, ManipType)} from a confirmed entry's keys (its reply tuple when {@code replyTuple}). */
    static void manipInverse(SkBuff skb, NfConn ct, boolean replyTuple, ManipType mt) {
        if (mt == ManipType.SRC) rewrite(skb, mt, ct.keyed(replyTuple, 1), ct.keyed(replyTuple, 3));
        else rewrite(skb, mt, ct.keyed(replyTuple, 0), ct.keyed(replyTuple, 2));
    }

    static void manip(SkBuff skb, FiveTuple target, ManipType mt) {
        if (mt == ManipType.SRC) rewrite(skb, mt, target.src().bits(), target.sport());
        else rewrite(skb, mt, target.dst().bits(), target.dport());
    }

    /** The manipulated end of the packet (source for SRC, destination for DST) becomes addr, and port where the protocol has ports. */
    private static void rewrite(SkBuff skb, ManipType mt, int addr, int port) {
        boolean ports = skb.isTcp() || skb.isUdp() || skb.protocol == 132;
        if (mt == ManipType.SRC) {
            skb.saddr = addr;
            if (ports) skb.sport = port;
        } else {
            skb.daddr = addr;
            if (ports) skb.dport = port;
        }
    }

    /**
     * nf_nat_icmp_reply_translation: the quoted packet gets the opposite manip, the outer header the
     * normal one. An ICMP redirect about a connection that is translated (IPS_SRC_NAT or
     * IPS_DST_NAT), or whose NAT is not set up in both directions yet, is dropped (the caller,
     * nf_nat_ipv4_fn, returns NF_DROP): a router redirecting a de-SNATed reply back out the device
     * it came in on sends nothing (seen in the real captures of seed002-nat-masquerade, hairpin and
     * seed001-kube-clusterip).
     */
    NfVerdict icmpReplyTranslation(SkBuff skb, NfConn ct, int ctinfo, ManipType mt) {
        if ((skb.dport >> 8) == 5 && (!ct.has(NfConn.SRC_NAT_DONE) || !ct.has(NfConn.DST_NAT_DONE)
                || ct.has(NfConn.SRC_NAT) || ct.has(NfConn.DST_NAT))) {
            Tracer t = env.tracer();
            if (t.on()) t.step(new Step.Dropped("nf_nat", "nf_nat_icmp_reply_translation: an ICMP redirect about a connection "
                    + (ct.has(NfConn.SRC_NAT) || ct.has(NfConn.DST_NAT) ? "that is translated" : "whose NAT is not set up yet")
                    + " is dropped"));
            return NfVerdict.DROP;
        }
        boolean reply = CtInfo.isReply(ctinfo);
        int statusbit = mt == ManipType.SRC ? NfConn.SRC_NAT : NfConn.DST_NAT;
        if (reply) statusbit = statusbit == NfConn.SRC_NAT ? NfConn.DST_NAT : NfConn.SRC_NAT;
        if (!ct.has(statusbit)) return NfVerdict.ACCEPT;
        FiveTuple before = skb.tuple();
        if (skb.icmpInner != null) manip(skb.icmpInner, reply ? ct.original : ct.reply, mt.other());
        FiveTuple target = Conntrack.invert(reply ? ct.original : ct.reply);
        if (mt == ManipType.SRC) skb.saddr = target.src().bits(); else skb.daddr = target.dst().bits();
        Tracer t = env.tracer();
        if (t.on()) t.step(new Step.Rewrite("nf_nat", "ICMP error translation", before, skb.tuple(),
                "quoted packet now " + (skb.icmpInner == null ? "-" : skb.icmpInner.tuple())));
        return NfVerdict.ACCEPT;
    }
}
