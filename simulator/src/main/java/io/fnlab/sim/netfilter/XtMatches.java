package io.fnlab.sim.netfilter;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.AddrtypeMatch;
import io.fnlab.model.netfilter.match.CommentMatch;
import io.fnlab.model.netfilter.match.ConnmarkMatch;
import io.fnlab.model.netfilter.match.ConntrackMatch;
import io.fnlab.model.netfilter.match.CtState;
import io.fnlab.model.netfilter.match.FragmentMatch;
import io.fnlab.model.netfilter.match.IcmpMatch;
import io.fnlab.model.netfilter.match.IfaceMatch;
import io.fnlab.model.netfilter.match.IprangeMatch;
import io.fnlab.model.netfilter.match.IpvsMatch;
import io.fnlab.model.netfilter.match.LimitMatch;
import io.fnlab.model.netfilter.match.MarkMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.MultiportMatch;
import io.fnlab.model.netfilter.match.PhysdevMatch;
import io.fnlab.model.netfilter.match.PortSpec;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.SetMatch;
import io.fnlab.model.netfilter.match.StateMatch;
import io.fnlab.model.netfilter.match.StatisticMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.match.UdpMatch;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.sim.netfilter.XtContext.CtStateBits;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import java.util.List;
import java.util.Set;

/**
 * The compiled form of every xt_* match record. Each class cites the kernel function whose
 * semantics it reproduces. The basic ipt_ip fields (-s -d -i -o -p -f) are not here: XtRule
 * checks them inline as ip_packet_match does, before any match object runs.
 */
final class XtMatches {
    private XtMatches() {}

    /** Compiles one xt_* match; the basic fields must have been taken out by the caller. */
    static XtMatch compile(Match m, SourceRef where) {
        if (m instanceof TcpMatch t) return new Tcp(t);
        if (m instanceof UdpMatch u) return new Udp(u);
        if (m instanceof IcmpMatch i) return new Icmp(i);
        if (m instanceof MultiportMatch mp) return new Multiport(mp);
        if (m instanceof MarkMatch mk) return new Mark(mk);
        if (m instanceof ConnmarkMatch cm) return new Connmark(cm);
        if (m instanceof ConntrackMatch c) return new Conntrack(c);
        if (m instanceof StateMatch s) return new State(s);
        if (m instanceof SetMatch s) return new IpSet(s);
        if (m instanceof IpvsMatch i) return new Ipvs(i);
        if (m instanceof CommentMatch) return Always.INSTANCE;
        if (m instanceof AddrtypeMatch a) return new Addrtype(a);
        if (m instanceof StatisticMatch s) return new Statistic(s, where);
        if (m instanceof IprangeMatch r) return new Iprange(r);
        if (m instanceof PhysdevMatch p) return new Physdev(p);
        if (m instanceof LimitMatch l) return new Limit(l, where);
        // A second -s/-d/-i/-o/-p/-f in one rule (iptables refuses it; a model built by hand may have it).
        if (m instanceof AddrMatch || m instanceof IfaceMatch || m instanceof ProtoMatch || m instanceof FragmentMatch)
            return new Basic(m);
        throw new ParseError(where, "match " + m.module() + " is not modelled by the simulator");
    }

    static boolean portIn(PortSpec spec, int port) {
        return spec == null || spec.matches(port);
    }

    /** xt_comment: comment_mt returns true. */
    static final class Always extends XtMatch {
        static final Always INSTANCE = new Always();

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            return true;
        }
    }

    /** An extra basic field, evaluated with ip_packet_match's semantics. */
    static final class Basic extends XtMatch {
        private final XtRule.IpMatch ip;

        Basic(Match m) {
            ip = XtRule.IpMatch.of(List.of(m));
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            return ip.matches(skb, state);
        }
    }

    /** xt_tcpudp.c tcp_mt: no match on fragoff != 0; ports; flags byte 13; options (not modelled). */
    static final class Tcp extends XtMatch {
        private final PortSpec sport, dport;
        private final int flagMask, flagComp;
        private final boolean flagsInv, hasFlags;
        private final Integer option;
        private final boolean optionInv;

        Tcp(TcpMatch t) {
            sport = t.sport();
            dport = t.dport();
            hasFlags = t.flags() != null;
            flagMask = hasFlags ? t.flags().mask() : 0;
            flagComp = hasFlags ? t.flags().comp() : 0;
            flagsInv = hasFlags && t.flags().negated();
            option = t.option();
            optionInv = t.optionNegated();
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            if (nonFirstFragment(skb)) return false;
            if (!portIn(sport, skb.sport) || !portIn(dport, skb.dport)) return false;
            if (hasFlags && (((skb.tcpFlags & flagMask) == flagComp) == flagsInv)) return false;
            if (option != null) {
                // fnlab's sk_buff carries no TCP options: every option is absent.
                if (ctx.tracer().on())
                    ctx.tracer().step(new Step.NotModelled("tcp --tcp-option " + option,
                            "TCP options are not modelled; the option is taken as absent"));
                return optionInv;
            }
            return true;
        }
    }

    /** xt_tcpudp.c udp_mt. */
    static final class Udp extends XtMatch {
        private final PortSpec sport, dport;

        Udp(UdpMatch u) {
            sport = u.sport();
            dport = u.dport();
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            if (nonFirstFragment(skb)) return false;
            return portIn(sport, skb.sport) && portIn(dport, skb.dport);
        }
    }

    /** ip_tables.c icmp_match / icmp_type_code_match: type 0xFF matches any type. */
    static final class Icmp extends XtMatch {
        private final int type, codeMin, codeMax;
        private final boolean inv;

        Icmp(IcmpMatch i) {
            type = i.type();
            codeMin = i.codeMin() < 0 ? 0 : i.codeMin();
            codeMax = i.codeMin() < 0 ? 255 : Math.max(i.codeMax(), codeMin);
            inv = i.negated();
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            if (nonFirstFragment(skb)) return false;
            int t = (skb.dport >> 8) & 0xff, c = skb.dport & 0xff;
            boolean m = type == 0xff || (t == type && c >= codeMin && c <= codeMax);
            return m != inv;
        }
    }

    /** xt_multiport.c ports_match_v1: the first range that contains the port decides. */
    static final class Multiport extends XtMatch {
        private final int[] from, to;
        private final MultiportMatch.Kind kind;
        private final boolean inv;

        Multiport(MultiportMatch m) {
            int n = m.ports().size();
            from = new int[n];
            to = new int[n];
            for (int i = 0; i < n; i++) {
                PortRange r = m.ports().get(i);
                from[i] = r.from();
                to[i] = r.to();
            }
            kind = m.kind();
            inv = m.negated();
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            if (nonFirstFragment(skb)) return false;
            int s = skb.sport, d = skb.dport;
            for (int i = 0; i < from.length; i++) {
                boolean hit = switch (kind) {
                    case SOURCE -> s >= from[i] && s <= to[i];
                    case DESTINATION -> d >= from[i] && d <= to[i];
                    case ANY -> (s >= from[i] && s <= to[i]) || (d >= from[i] && d <= to[i]);
                };
                if (hit) return !inv;
            }
            return inv;
        }
    }

    /** xt_mark.c mark_mt: ((skb->mark &amp; mask) == mark) ^ invert. */
    static final class Mark extends XtMatch {
        private final long value, mask;
        private final boolean inv;

        Mark(MarkMatch m) {
            value = m.value() & 0xffffffffL;
            mask = m.mask() & 0xffffffffL;
            inv = m.negated();
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            return ((skb.mark & mask) == value) != inv;
        }
    }

    /** xt_connmark.c connmark_mt: no conntrack entry, no match (before the inversion). */
    static final class Connmark extends XtMatch {
        private final long value, mask;
        private final boolean inv;

        Connmark(ConnmarkMatch m) {
            value = m.value() & 0xffffffffL;
            mask = m.mask() & 0xffffffffL;
            inv = m.negated();
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            if (!ctx.conntrack().tracked(skb)) return false;
            return ((ctx.conntrack().ctMark(skb) & mask) == value) != inv;
        }
    }

    static int stateBits(Set<CtState> states) {
        int b = 0;
        for (CtState s : states) {
            b |= switch (s) {
                case INVALID -> CtStateBits.INVALID;
                case NEW -> CtStateBits.NEW;
                case ESTABLISHED -> CtStateBits.ESTABLISHED;
                case RELATED -> CtStateBits.RELATED;
                case UNTRACKED -> CtStateBits.UNTRACKED;
                case SNAT -> CtStateBits.SNAT;
                case DNAT -> CtStateBits.DNAT;
            };
        }
        return b;
    }

    /**
     * xt_state.c state_mt: statemask &amp; statebit; "! --state" is the complemented mask
     * (libxt_state). SNAT/DNAT are xt_conntrack's virtual states only.
     */
    static final class State extends XtMatch {
        private static final int REAL = CtStateBits.INVALID | CtStateBits.ESTABLISHED | CtStateBits.RELATED
                | CtStateBits.NEW | CtStateBits.UNTRACKED;
        private final int mask;

        State(StateMatch s) {
            int m = stateBits(s.states());
            mask = s.negated() ? ~m : m;
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            return (mask & ctx.ctStateBits(skb) & REAL) != 0;
        }
    }

    /**
     * xt_conntrack.c conntrack_mt (revision 3), in the kernel's order: ctstate (with the SNAT/DNAT
     * virtual states); then without an entry the match is true only if --ctstate was given;
     * ctdir; addresses; ctproto and ports (from the tuples); ctstatus; ctexpire.
     */
    static final class Conntrack extends XtMatch {
        private final boolean hasState, stateInv;
        private final int stateMask;
        private final Boolean dirReply;
        private final ConntrackMatch.Addr[] addrs;
        private final int protoNum;
        private final boolean hasProto, protoInv;
        private final ConntrackMatch.Port[] ports;
        private final ConntrackMatch.Status status;
        private final ConntrackMatch.Expire expire;

        Conntrack(ConntrackMatch c) {
            boolean hs = false, si = false, hp = false, pi = false;
            int sm = 0, pn = 0;
            Boolean dir = null;
            ConntrackMatch.Status st = null;
            ConntrackMatch.Expire ex = null;
            java.util.ArrayList<ConntrackMatch.Addr> a = new java.util.ArrayList<>();
            java.util.ArrayList<ConntrackMatch.Port> p = new java.util.ArrayList<>();
            for (ConntrackMatch.Criterion cr : c.criteria()) {
                if (cr instanceof ConntrackMatch.State s) {
                    hs = true;
                    sm |= stateBits(s.states());
                    si = s.negated();
                } else if (cr instanceof ConntrackMatch.Proto pr) {
                    hp = true;
                    pn = pr.protocol().number();
                    pi = pr.negated();
                } else if (cr instanceof ConntrackMatch.Addr ad) a.add(ad);
                else if (cr instanceof ConntrackMatch.Port po) p.add(po);
                else if (cr instanceof ConntrackMatch.Status s) st = s;
                else if (cr instanceof ConntrackMatch.Dir d) dir = d.reply();
                else if (cr instanceof ConntrackMatch.Expire e) ex = e;
            }
            hasState = hs;
            stateInv = si;
            stateMask = sm;
            hasProto = hp;
            protoInv = pi;
            protoNum = pn;
            dirReply = dir;
            addrs = a.toArray(ConntrackMatch.Addr[]::new);
            ports = p.toArray(ConntrackMatch.Port[]::new);
            status = st;
            expire = ex;
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            if (hasState && ((stateMask & ctx.ctStateBits(skb)) != 0) == stateInv) return false;
            var ct = ctx.conntrack();
            if (!ct.tracked(skb)) return hasState;
            if (dirReply != null && ct.isReply(skb) != dirReply) return false;
            if (addrs.length > 0 || ports.length > 0 || hasProto) {
                FiveTuple orig = ct.original(skb), repl = ct.reply(skb);
                if (orig == null || repl == null) return false;
                for (ConntrackMatch.Addr ad : addrs) {
                    int addr = switch (ad.field()) {
                        case ORIGSRC -> orig.src().bits();
                        case ORIGDST -> orig.dst().bits();
                        case REPLSRC -> repl.src().bits();
                        case REPLDST -> repl.dst().bits();
                    };
                    if (ad.prefix().contains(new io.fnlab.model.net.Ipv4(addr)) == ad.negated()) return false;
                }
                if (hasProto && (orig.protocol().number() == protoNum) == protoInv) return false;
                for (ConntrackMatch.Port po : ports) {
                    int port = switch (po.field()) {
                        case ORIGSRC -> orig.sport();
                        case ORIGDST -> orig.dport();
                        case REPLSRC -> repl.sport();
                        case REPLDST -> repl.dport();
                    };
                    if (po.range().contains(port) == po.negated()) return false;
                }
            }
            if (status != null || expire != null) {
                // ConntrackApi exposes neither ct->status nor the timeout: say so, and do not match.
                if (ctx.tracer().on())
                    ctx.tracer().step(new Step.NotModelled(status != null ? "conntrack --ctstatus" : "conntrack --ctexpire",
                            "fnlab's conntrack view has no status bits or timeouts; the criterion is taken as not matching"));
                return false;
            }
            return true;
        }
    }

    /** xt_set.c set_match_v4: the set test per flag, then --return-nomatch, then the !. */
    static final class IpSet extends XtMatch {
        private final String name;
        private final boolean[] flags;
        private final boolean inv, returnNomatch;

        IpSet(SetMatch s) {
            name = s.setName();
            flags = new boolean[s.srcFlags().size()];
            for (int i = 0; i < flags.length; i++) flags[i] = s.srcFlags().get(i);
            inv = s.negated();
            returnNomatch = s.returnNomatch();
        }

        /**
         * The set as last resolved and the registry it came from, as one object so that hosts on
         * other threads sharing this rule see a consistent pair (xt_set holds the set's index
         * from checkentry on; here a registry is looked up by name once).
         */
        private record Resolved(io.fnlab.sim.ipset.IpsetRegistry in, io.fnlab.sim.ipset.SetIndex set) {}

        private Resolved resolved;

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            boolean hit;
            io.fnlab.sim.ipset.IpsetRegistry reg = ctx.ipsetRegistry();
            if (reg != null) {
                Resolved rs = resolved;
                if (rs == null || rs.in() != reg) resolved = rs = new Resolved(reg, reg.get(name));
                int r = rs.set() == null ? io.fnlab.sim.ipset.SetIndex.ABSENT : rs.set().lookup(skb, flags);
                hit = r == (returnNomatch ? io.fnlab.sim.ipset.SetIndex.NOMATCH : io.fnlab.sim.ipset.SetIndex.MATCH);
            } else if (returnNomatch) {
                hit = ctx.ipsetLookup(name, skb, flags) == XtContext.IPSET_NOMATCH;
            } else {
                hit = ctx.ipsetTest(name, skb, flags);
            }
            return hit != inv;
        }
    }

    /** xt_ipvs.c ipvs_mt. */
    static final class Ipvs extends XtMatch {
        private final boolean onlyProperty, propertyInv;
        private IpvsMatch.VProto proto;
        private IpvsMatch.VPort vport;
        private IpvsMatch.VPortCtl vportctl;
        private IpvsMatch.VDir vdir;
        private IpvsMatch.VMethod method;
        private IpvsMatch.VAddr vaddr;

        Ipvs(IpvsMatch m) {
            boolean prop = false, pinv = false, others = false;
            for (IpvsMatch.Criterion c : m.criteria()) {
                if (c instanceof IpvsMatch.Property p) {
                    prop = true;
                    pinv = p.negated();
                    continue;
                }
                others = true;
                if (c instanceof IpvsMatch.VProto p) proto = p;
                else if (c instanceof IpvsMatch.VPort p) vport = p;
                else if (c instanceof IpvsMatch.VPortCtl p) vportctl = p;
                else if (c instanceof IpvsMatch.VDir p) vdir = p;
                else if (c instanceof IpvsMatch.VMethod p) method = p;
                else if (c instanceof IpvsMatch.VAddr p) vaddr = p;
            }
            onlyProperty = prop && !others;
            propertyInv = pinv;
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            // Only --ipvs given: the property with its !. Any other criterion: the packet must
            // have been handled by IPVS, whatever "! --ipvs" says.
            if (onlyProperty) return skb.ipvsProperty != propertyInv;
            if (!skb.ipvsProperty) return false;
            if (proto != null && (skb.protocol == proto.protocol().number()) == proto.negated()) return false;
            XtContext.IpvsConnView cp = ctx.ipvsConn(skb);
            if (cp == null) return false;
            if (vport != null && (cp.vport() == vport.port()) == vport.negated()) return false;
            if (vportctl != null && (cp.vportctl() != 0 && cp.vportctl() == vportctl.port()) == vportctl.negated())
                return false;
            if (vdir != null) {
                if (!ctx.conntrack().tracked(skb)) return false;
                if (ctx.conntrack().isReply(skb) != vdir.reply()) return false;
            }
            if (method != null && method.method().equalsIgnoreCase(cp.method()) == method.negated()) return false;
            if (vaddr != null && vaddr.prefix().contains(new io.fnlab.model.net.Ipv4(cp.vaddr())) == vaddr.negated())
                return false;
            return true;
        }
    }

    /** xt_addrtype.c addrtype_mt_v1: 1 &lt;&lt; inet_dev_addr_type() against the type mask. */
    static final class Addrtype extends XtMatch {
        private final int srcMask, dstMask;
        private final boolean srcInv, dstInv, limitIn, limitOut;

        Addrtype(AddrtypeMatch a) {
            srcMask = mask(a.srcTypes());
            dstMask = mask(a.dstTypes());
            srcInv = a.srcNegated();
            dstInv = a.dstNegated();
            limitIn = a.limitIfaceIn();
            limitOut = a.limitIfaceOut();
        }

        private static int mask(Set<AddrtypeMatch.AddrType> types) {
            int m = 0;
            for (AddrtypeMatch.AddrType t : types) m |= 1 << t.ordinal();
            return m;
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            String dev = limitIn ? state.in() : limitOut ? state.out() : null;
            if (srcMask != 0 && ((srcMask & (1 << ctx.addrType(skb.saddr, dev))) != 0) == srcInv) return false;
            if (dstMask != 0 && ((dstMask & (1 << ctx.addrType(skb.daddr, dev))) != 0) == dstInv) return false;
            return true;
        }
    }

    /** xt_statistic.c statistic_mt. */
    static final class Statistic extends XtMatch {
        private final boolean random, inv;
        private final long probability;
        private final int every;
        private int count;

        Statistic(StatisticMatch s, SourceRef where) {
            random = s.mode() == StatisticMatch.Mode.RANDOM;
            inv = s.negated();
            probability = s.probabilityU32();
            if (!random && (s.every() < 1 || s.packet() < 0 || s.packet() >= s.every()))
                throw new ParseError(where, "statistic --every must be at least 1 and --packet in 0.." + (s.every() - 1));
            // libxt_statistic passes every - 1 and count = (every - 1) - packet, and
            // statistic_mt_check starts the counter there: with --packet 0 the first packet matches.
            every = s.every() - 1;
            count = every - s.packet();
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            boolean ret = inv;
            if (random) {
                if ((ctx.random().nextInt() & 0x7FFFFFFFL) < probability) ret = !ret;
            } else {
                count = count == every ? 0 : count + 1;
                if (count == 0) ret = !ret;
            }
            return ret;
        }
    }

    /** xt_iprange.c iprange_mt4: unsigned, inclusive. */
    static final class Iprange extends XtMatch {
        private final boolean hasSrc, hasDst, srcInv, dstInv;
        private final int srcFrom, srcTo, dstFrom, dstTo;

        Iprange(IprangeMatch r) {
            hasSrc = r.srcFrom() != null;
            hasDst = r.dstFrom() != null;
            srcFrom = hasSrc ? r.srcFrom().bits() : 0;
            srcTo = hasSrc ? r.srcTo().bits() : 0;
            dstFrom = hasDst ? r.dstFrom().bits() : 0;
            dstTo = hasDst ? r.dstTo().bits() : 0;
            srcInv = r.srcNegated();
            dstInv = r.dstNegated();
        }

        private static boolean in(int a, int from, int to) {
            return Integer.compareUnsigned(a, from) >= 0 && Integer.compareUnsigned(a, to) <= 0;
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            if (hasSrc && in(skb.saddr, srcFrom, srcTo) == srcInv) return false;
            if (hasDst && in(skb.daddr, dstFrom, dstTo) == dstInv) return false;
            return true;
        }
    }

    /**
     * xt_physdev.c physdev_mt for a packet without bridge info (fnlab models no bridge
     * netfilter): it matches only when every option given is negated.
     */
    static final class Physdev extends XtMatch {
        private final boolean result;
        private final String text;

        Physdev(PhysdevMatch p) {
            boolean r = true;
            if (p.isBridged() != null && p.isBridged()) r = false;
            if (p.isIn() != null && p.isIn()) r = false;
            if (p.isOut() != null && p.isOut()) r = false;
            if (p.in() != null && !p.inNegated()) r = false;
            if (p.out() != null && !p.outNegated()) r = false;
            result = r;
            text = "physdev " + (p.in() != null ? (p.inNegated() ? "! " : "") + "--physdev-in " + p.in() + " " : "")
                    + (p.out() != null ? (p.outNegated() ? "! " : "") + "--physdev-out " + p.out() + " " : "")
                    + (p.isIn() != null ? (p.isIn() ? "" : "! ") + "--physdev-is-in " : "")
                    + (p.isOut() != null ? (p.isOut() ? "" : "! ") + "--physdev-is-out " : "")
                    + (p.isBridged() != null ? (p.isBridged() ? "" : "! ") + "--physdev-is-bridged" : "");
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            if (ctx.tracer().on())
                ctx.tracer().step(new Step.NotModelled(text.trim(),
                        "fnlab models no bridge netfilter: the packet is taken as not bridged, so this match is "
                                + result));
            return result;
        }
    }

    /**
     * xt_limit.c limit_mt: a token bucket refilled with elapsed time, starting full (burst).
     * Credits are counted in units of 1/count ms so that the arithmetic stays exact in longs.
     */
    static final class Limit extends XtMatch {
        private final long cost, cap, perMs;
        private long credit;
        private long prev = Long.MIN_VALUE;

        Limit(LimitMatch l, SourceRef where) {
            long unitMs = switch (l.unit()) {
                case "second", "sec", "s" -> 1000L;
                case "minute", "min", "m" -> 60_000L;
                case "hour", "h" -> 3_600_000L;
                case "day", "d" -> 86_400_000L;
                default -> throw new ParseError(where, "limit: expected a rate unit second|minute|hour|day, got '"
                        + l.unit() + "'");
            };
            if (l.count() < 1 || l.burst() < 1) throw new ParseError(where, "limit: rate and burst must be at least 1");
            perMs = l.count();
            cost = unitMs;
            cap = unitMs * l.burst();
        }

        boolean matches(SkBuff skb, HookState state, XtContext ctx) {
            long now = ctx.now();
            if (prev == Long.MIN_VALUE) {
                credit = cap;
            } else if (now > prev) {
                long add = (now - prev) * perMs;
                credit = add < 0 || add >= cap ? cap : Math.min(cap, credit + add);
            }
            prev = now;
            if (credit >= cost) {
                credit -= cost;
                return true;
            }
            return false;
        }
    }
}
