package io.fnlab.sim.conntrack;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Tracer;
import io.fnlab.sim.lib.LongPairMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A host's conntrack table (net/netfilter/nf_conntrack_core.c): nf_conntrack_in at PREROUTING
 * and OUTPUT (-200) finds or creates the entry and attaches it to the skb; __nf_conntrack_confirm
 * at POSTROUTING and INPUT (INT_MAX) puts a new entry in the hash. An entry not confirmed dies
 * with its packet.
 */
public final class Conntrack implements ConntrackApi {
    /** nf_conntrack_udp_timeout, _udp_timeout_stream, nf_conntrack_icmp_timeout (seconds). */
    public static final int UDP_UNREPLIED = 30, UDP_REPLIED = 120, ICMP_TIMEOUT = 30, GENERIC_TIMEOUT = 600;

    /**
     * nf_conntrack_hash: every confirmed entry under both its tuples, keyed by the tuple's numbers
     * ({@link #keyA}, {@link #keyB}) as hash_conntrack_raw hashes them, so a lookup allocates nothing.
     */
    private final LongPairMap<NfConn> hash = new LongPairMap<>();
    /**
     * gc_worker (nf_conntrack_core.c) deletes expired entries that no packet looks up any more:
     * here {@link GcWheel}, run when a packet enters conntrack. Lookups already treat an expired
     * entry as gone (and kill it, as nf_ct_is_expired does), so the gc only keeps the table near
     * the size of the live connections. false turns it off (tests compare with and without).
     */
    boolean gcOn = true;
    private final GcWheel gc;
    private final java.util.function.Consumer<NfConn> gcKill = this::kill;
    private final LongSupplier clock;
    private final Supplier<Tracer> tracer;
    private long nextId = 1;

    private final io.fnlab.model.sysctl.Sysctls sysctls;

    public Conntrack(LongSupplier clock, Supplier<Tracer> tracer) {
        this(clock, tracer, io.fnlab.model.sysctl.Sysctls.EMPTY);
    }

    /** With the host's sysctls: net.netfilter.nf_conntrack_{tcp,udp,icmp}_timeout* and nf_conntrack_tcp_loose. */
    public Conntrack(LongSupplier clock, Supplier<Tracer> tracer, io.fnlab.model.sysctl.Sysctls sysctls) {
        this.clock = clock;
        this.tracer = tracer;
        this.sysctls = sysctls;
        this.gc = new GcWheel(clock);
    }

    /** Seconds for a TCP state: net.netfilter.nf_conntrack_tcp_timeout_STATE, else the kernel default. */
    public int tcpTimeout(TcpState st) {
        int[] t = tcpTimeouts;
        if (t == null) {
            // the host's sysctls do not change under a conntrack table: read each once, not per packet
            t = new int[TcpState.values().length];
            for (TcpState x : TcpState.values())
                t[x.ordinal()] = sysctls.getInt("net.netfilter.nf_conntrack_tcp_timeout_" + x.name().toLowerCase(java.util.Locale.ROOT),
                        x.timeoutSeconds);
            tcpTimeouts = t;
        }
        return t[st.ordinal()];
    }

    private int[] tcpTimeouts;
    private final java.util.HashMap<String, Integer> sysctlCache = new java.util.HashMap<>();

    private int sysctl(String name, int dflt) {
        Integer v = sysctlCache.get(name);
        if (v == null) {
            v = sysctls.getInt("net.netfilter." + name, Integer.MIN_VALUE);
            sysctlCache.put(name, v);
        }
        return v == Integer.MIN_VALUE ? dflt : v;
    }

    // ---- hook functions ----

    /** nf_conntrack_in (ipv4_conntrack_in / ipv4_conntrack_local). */
    public NfVerdict in(SkBuff skb, HookState state) {
        if (skb.untracked || skb.nfct != null) return NfVerdict.ACCEPT; // a template/entry is already attached
        gcStep();
        Tracer t = tracer.get();
        if (skb.isIcmp() && isIcmpError(skb.dport >> 8)) return icmpError(skb, t);
        for (int attempt = 0; attempt < 2; attempt++) {
            NfConn ct = find(skb.protocol, skb.saddr, skb.sport, skb.daddr, skb.dport);
            boolean reply, fresh = false;
            if (ct == null) {
                FiveTuple tuple = tupleOf(skb);
                if (skb.isTcp() && (TcpState.next(TcpState.NONE, false, skb.tcpFlags) == TcpState.INVALID
                        || ((skb.tcpFlags & 0x02) == 0 && sysctl("nf_conntrack_tcp_loose", 1) == 0))) {
                    // tcp_new: only a SYN (or, with nf_conntrack_tcp_loose=1, an ACK) starts an entry
                    if (t.on()) t.step(new Step.Conntrack("invalid", tuple, null, "INVALID",
                            "tcp_new: [" + SkBuff.flagString(skb.tcpFlags) + "] cannot start a connection"));
                    return NfVerdict.ACCEPT;
                }
                ct = new NfConn(nextId++, tuple, invert(tuple));
                reply = false;
                fresh = true;
            } else {
                // a hashed entry is confirmed: its reply's keys say whether the packet is the reply
                reply = ct.replyA == keyA(skb.saddr, skb.daddr) && ct.replyB == keyB(skb.protocol, skb.sport, skb.dport);
            }
            int ctinfo = reply ? CtInfo.ESTABLISHED_REPLY : ct.has(NfConn.SEEN_REPLY) ? CtInfo.ESTABLISHED : CtInfo.NEW;
            // protocol tracker
            if (skb.isTcp()) {
                TcpState old = ct.tcpState;
                TcpState nw = TcpState.next(old, reply, skb.tcpFlags);
                if (nw == TcpState.SYN_SENT && !reply && (old == TcpState.TIME_WAIT || old == TcpState.CLOSE)
                        && ct.has(NfConn.CONFIRMED)) {
                    // tcp_packet: "RFC 1122: reopen" -> nf_ct_kill and -NF_REPEAT
                    kill(ct);
                    if (t.on()) t.step(new Step.Conntrack("destroyed", ct.original, ct.reply, old.name(),
                            "SYN in " + old + ": old entry killed, connection reopened"));
                    continue;
                }
                if (nw == TcpState.INVALID) {
                    if (t.on()) t.step(new Step.Conntrack("invalid", ct.original, ct.reply, old.name(),
                            "tcp_packet: [" + SkBuff.flagString(skb.tcpFlags) + "] invalid in " + old + "; skb gets no entry"));
                    return NfVerdict.ACCEPT;
                }
                if (nw != TcpState.IGNORE) {
                    if (((old == TcpState.SYN_RECV || old == TcpState.ESTABLISHED) && nw == TcpState.ESTABLISHED)
                            && ct.has(NfConn.SEEN_REPLY)) ct.status |= NfConn.ASSURED;
                    ct.tcpState = nw;
                    expiresAt(ct, clock.getAsLong() + tcpTimeout(nw) * 1000L);
                }
            } else if (skb.isUdp()) {
                expiresAt(ct, clock.getAsLong() + 1000L * (reply || ct.has(NfConn.SEEN_REPLY)
                        ? sysctl("nf_conntrack_udp_timeout_stream", UDP_REPLIED) : sysctl("nf_conntrack_udp_timeout", UDP_UNREPLIED)));
            } else if (skb.isIcmp()) {
                expiresAt(ct, clock.getAsLong() + sysctl("nf_conntrack_icmp_timeout", ICMP_TIMEOUT) * 1000L);
            } else {
                expiresAt(ct, clock.getAsLong() + sysctl("nf_conntrack_generic_timeout", GENERIC_TIMEOUT) * 1000L);
            }
            if (reply && !ct.has(NfConn.SEEN_REPLY)) {
                ct.status |= NfConn.SEEN_REPLY;
                if (!skb.isTcp()) ct.status |= NfConn.ASSURED;
            }
            skb.nfct = ct;
            skb.ctinfo = ctinfo;
            if (t.on()) t.step(new Step.Conntrack(fresh ? "new" : "found", ct.original, ct.reply, ct.stateName(),
                    CtInfo.name(ctinfo)));
            return NfVerdict.ACCEPT;
        }
        return NfVerdict.ACCEPT;
    }

    /** nf_conntrack_handle_icmp / icmp_error_message: the quoted packet's entry makes the error RELATED. */
    private NfVerdict icmpError(SkBuff skb, Tracer t) {
        if (skb.icmpInner == null) return NfVerdict.ACCEPT;
        FiveTuple inner = invert(tupleOf(skb.icmpInner));
        NfConn ct = find(inner);
        if (ct == null) {
            if (t.on()) t.step(new Step.Conntrack("none", inner, null, "INVALID", "ICMP error quotes no known connection"));
            return NfVerdict.ACCEPT;
        }
        boolean reply = ct.reply.equals(inner);
        skb.nfct = ct;
        skb.ctinfo = reply ? CtInfo.RELATED_REPLY : CtInfo.RELATED;
        if (t.on()) t.step(new Step.Conntrack("related", ct.original, ct.reply, ct.stateName(),
                "ICMP error for this connection: " + CtInfo.name(skb.ctinfo)));
        return NfVerdict.ACCEPT;
    }

    /** __nf_conntrack_confirm (ipv4_confirm at INT_MAX). */
    public NfVerdict confirm(SkBuff skb, HookState state) {
        if (!(skb.nfct instanceof NfConn ct) || ct.has(NfConn.CONFIRMED) || CtInfo.isReply(skb.ctinfo)) return NfVerdict.ACCEPT;
        Tracer t = tracer.get();
        // the hash keys of both directions, kept on the entry: tuples do not change once confirmed,
        // and gc and kill then need no walk through the tuple objects
        ct.origA = keyA(ct.original);
        ct.origB = keyB(ct.original);
        ct.replyA = keyA(ct.reply);
        ct.replyB = keyB(ct.reply);
        NfConn a = live(hash.get(ct.origA, ct.origB)), b = live(hash.get(ct.replyA, ct.replyB));
        if (a != null || b != null) {
            // nf_ct_resolve_clash could merge identical entries; fnlab drops as the clash path does for NAT'd ones
            if (t.on()) t.step(new Step.Dropped("nf_conntrack", "__nf_conntrack_confirm: tuple clash with an existing entry"));
            return NfVerdict.DROP;
        }
        ct.status |= NfConn.CONFIRMED;
        hash.put(ct.origA, ct.origB, ct);
        hash.put(ct.replyA, ct.replyB, ct);
        if (gcOn) gc.queue(ct);
        if (t.on()) t.step(new Step.Conntrack("confirmed", ct.original, ct.reply, ct.stateName(), ct.describe(clock.getAsLong())));
        return NfVerdict.ACCEPT;
    }

    // ---- table ----

    /** The confirmed entry holding this tuple in either direction, after expiring old ones. */
    public NfConn find(FiveTuple tuple) {
        return live(hash.get(keyA(tuple), keyB(tuple)));
    }

    /** {@link #find(FiveTuple)} from the tuple's numbers (the packet path: no tuple object). */
    public NfConn find(int protocol, int saddr, int sport, int daddr, int dport) {
        return live(hash.get(keyA(saddr, daddr), keyB(protocol, sport, dport)));
    }

    /** The entry unless its timeout has passed: then it is killed (lazily, as the kernel's gc_worker and nf_ct_is_expired). */
    private NfConn live(NfConn ct) {
        if (ct != null && ct.expires <= clock.getAsLong()) {
            kill(ct);
            return null;
        }
        return ct;
    }

    /** nf_conntrack_tuple_taken: is this tuple used by another connection (either direction)? */
    public boolean tupleTaken(FiveTuple tuple, NfConn ignored) {
        NfConn ct = find(tuple);
        return ct != null && ct != ignored;
    }

    /** {@link #tupleTaken(FiveTuple, NfConn)} from the tuple's numbers. */
    public boolean tupleTaken(int protocol, int saddr, int sport, int daddr, int dport, NfConn ignored) {
        NfConn ct = find(protocol, saddr, sport, daddr, dport);
        return ct != null && ct != ignored;
    }

    public void kill(NfConn ct) {
        ct.status |= NfConn.DYING;
        if (!ct.has(NfConn.CONFIRMED)) return; // never hashed (its keys are not set)
        hash.remove(ct.origA, ct.origB, ct);
        hash.remove(ct.replyA, ct.replyB, ct);
    }

    private void gcStep() {
        if (gcOn) gc.run(clock.getAsLong(), gcKill);
    }

    /** A packet set the entry's expiry: the gc must look at it no later than that. */
    private void expiresAt(NfConn ct, long t) {
        ct.expires = t;
        if (gcOn && ct.gcQueuedAt != NfConn.NOT_QUEUED) gc.rearm(ct);
    }

    /** Entries in the hash (each connection twice, once per direction). */
    int hashSize() {
        return hash.size();
    }

    /** The first key word of a tuple: both addresses. */
    static long keyA(int saddr, int daddr) {
        return (long) saddr << 32 | (daddr & 0xffffffffL);
    }

    /** The second key word: protocol and both ports (16 bits each; ICMP: id and type/code). */
    static long keyB(int protocol, int sport, int dport) {
        return (long) (protocol & 0xff) << 48 | (sport & 0xffffffL) << 24 | (dport & 0xffffffL);
    }

    static long keyA(FiveTuple t) {
        return keyA(t.src().bits(), t.dst().bits());
    }

    static long keyB(FiveTuple t) {
        return keyB(t.protocol().number(), t.sport(), t.dport());
    }


    /** The live entries, each once, as `conntrack -L` lists them. */
    public List<NfConn> entries() {
        long now = clock.getAsLong();
        List<NfConn> l = new ArrayList<>();
        java.util.Set<NfConn> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        hash.forEachValue(c -> {
            if (c.expires <= now) kill(c);
            else if (seen.add(c)) l.add(c); // each entry is hashed twice: list it once
        });
        l.sort(java.util.Comparator.comparingLong(c -> c.id));
        return l;
    }

    // ---- tuples ----

    public static boolean isIcmpError(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    public static FiveTuple tupleOf(SkBuff s) {
        return new FiveTuple(new Protocol(s.protocol), new Ipv4(s.saddr), s.sport, new Ipv4(s.daddr), s.dport);
    }

    /** nf_ct_invert_tuple: swap ends; for ICMP queries keep the id and map the type to its reply. */
    public static FiveTuple invert(FiveTuple t) {
        if (t.protocol().number() == 1) {
            int type = t.dport() >> 8, code = t.dport() & 255;
            int inv = switch (type) {
                case 8 -> 0; case 0 -> 8; case 13 -> 14; case 14 -> 13; case 15 -> 16; case 16 -> 15;
                case 17 -> 18; case 18 -> 17; default -> type;
            };
            return new FiveTuple(t.protocol(), t.dst(), t.sport(), t.src(), inv << 8 | code);
        }
        return t.reversed();
    }

    // ---- ConntrackApi ----

    private static NfConn ct(SkBuff skb) {
        return skb.nfct instanceof NfConn c ? c : null;
    }

    @Override
    public boolean tracked(SkBuff skb) {
        return ct(skb) != null && !skb.untracked;
    }

    @Override
    public boolean isReply(SkBuff skb) {
        return ct(skb) != null && CtInfo.isReply(skb.ctinfo);
    }

    @Override
    public FiveTuple original(SkBuff skb) {
        NfConn c = ct(skb);
        return c == null ? null : c.original;
    }

    @Override
    public FiveTuple reply(SkBuff skb) {
        NfConn c = ct(skb);
        return c == null ? null : c.reply;
    }

    @Override
    public void alterReply(SkBuff skb, FiveTuple newReply) {
        NfConn c = ct(skb);
        if (c == null || c.has(NfConn.CONFIRMED)) return; // nf_conntrack_alter_reply: "Should be unconfirmed"
        Tracer t = tracer.get();
        if (t.on()) t.step(new Step.Conntrack("alter-reply", c.original, newReply, c.stateName(),
                "nf_conntrack_alter_reply: reply was " + c.reply));
        c.reply = newReply;
    }

    @Override
    public void untrack(SkBuff skb) {
        skb.nfct = null;
        skb.untracked = true;
        skb.ctinfo = CtInfo.UNTRACKED;
        Tracer t = tracer.get();
        if (t.on()) t.step(new Step.Conntrack("untracked", null, null, "UNTRACKED", "untracked template attached"));
    }

    @Override
    public long ctMark(SkBuff skb) {
        NfConn c = ct(skb);
        return c == null ? 0 : c.mark;
    }

    @Override
    public void setCtMark(SkBuff skb, long mark) {
        NfConn c = ct(skb);
        if (c != null) c.mark = mark & 0xffffffffL;
    }

    /** xt_conntrack/xt_state bits for the packet (XtContext.ctStateBits). */
    public int stateBits(SkBuff skb) {
        if (skb.untracked) return io.fnlab.sim.netfilter.XtContext.CtStateBits.UNTRACKED;
        NfConn c = ct(skb);
        if (c == null) return io.fnlab.sim.netfilter.XtContext.CtStateBits.INVALID;
        int base = switch (skb.ctinfo % CtInfo.IS_REPLY) {
            case CtInfo.RELATED -> io.fnlab.sim.netfilter.XtContext.CtStateBits.RELATED;
            case CtInfo.NEW -> io.fnlab.sim.netfilter.XtContext.CtStateBits.NEW;
            default -> io.fnlab.sim.netfilter.XtContext.CtStateBits.ESTABLISHED;
        };
        if (c.has(NfConn.SRC_NAT)) base |= io.fnlab.sim.netfilter.XtContext.CtStateBits.SNAT;
        if (c.has(NfConn.DST_NAT)) base |= io.fnlab.sim.netfilter.XtContext.CtStateBits.DNAT;
        return base;
    }
}
