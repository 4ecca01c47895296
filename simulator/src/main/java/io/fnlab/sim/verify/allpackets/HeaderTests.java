package io.fnlab.sim.verify.allpackets;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.ConntrackMatch;
import io.fnlab.model.netfilter.match.IcmpMatch;
import io.fnlab.model.netfilter.match.IprangeMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.MultiportMatch;
import io.fnlab.model.netfilter.match.PortSpec;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.SetMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.match.UdpMatch;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.scenario.HostConfig;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every rule of a director's tables as tests of header dimensions. For a destination (a set of
 * {@link View}s: the VIP:port and each address it is rewritten to), a rule is <em>relevant</em>
 * when none of its destination-side tests (-d, -p, --dport, multiport, iprange --dst-range, the
 * dst dimensions of a set) rules the destination out; only relevant rules' source-side tests
 * (-s, --src-range, the src dimensions of sets, --sport, --ctorigsrc) cut that destination's
 * source space. Tests this class cannot decide from the header (marks, conntrack state,
 * addrtype, -o, statistic) keep a rule relevant: the walk itself evaluates them.
 *
 * <p>Rules with a non-negated `-d` prefix are indexed by that prefix, so a destination meets
 * only the rules that name it and the rules that name no destination.
 */
final class HeaderTests {
    private final List<Rule> general = new ArrayList<>();
    /** Rules with `-d P` (not negated), by prefix length then network. */
    private final Map<Integer, Map<Integer, List<Rule>>> byDst = new HashMap<>();
    private final Map<String, IpSet> sets;
    private final Map<SetMatch, SetView> views = new HashMap<>();
    /** Each rule's set matches resolved once (a record's hashCode walks its lists: too slow per lookup). */
    private final Map<Rule, SetView[]> ruleSets = new java.util.IdentityHashMap<>();
    private final List<Rule> all = new ArrayList<>();
    private final Map<Rule, Integer> index = new java.util.IdentityHashMap<>();

    HeaderTests(HostConfig c) {
        sets = c.ipsets();
        for (Table t : c.iptables().tables().values())
            for (Chain ch : t.chains())
                for (Rule r : ch.rules()) {
                    index.put(r, all.size());
                    all.add(r);
                    SetView[] sv = new SetView[r.matches().size()];
                    boolean any = false;
                    for (int i = 0; i < sv.length; i++)
                        if (r.matches().get(i) instanceof SetMatch sm) {
                            sv[i] = view(sm);
                            any = true;
                        }
                    if (any) ruleSets.put(r, sv);
                    Prefix d = null;
                    for (Match m : r.matches())
                        if (m instanceof AddrMatch a && a.dir() == AddrMatch.Direction.DST && !a.negated()) d = a.prefix();
                    if (d == null) general.add(r);
                    else byDst.computeIfAbsent(d.length(), k -> new HashMap<>())
                            .computeIfAbsent(d.address().bits() & Prefix.maskOf(d.length()), k -> new ArrayList<>()).add(r);
                }
    }

    List<Rule> all() {
        return all;
    }

    int index(Rule r) {
        return index.get(r);
    }

    /**
     * The id of the test made by match i of rule r, as seen from view number viewNo (0: a test
     * whose ranges do not depend on the destination), entry number entry+1 when each entry of a
     * set is its own test (0: the whole set is one test).
     */
    private long testId(Rule r, int i, int viewNo, int entry) {
        return ((long) index.get(r) << 40) | ((long) i << 32) | ((long) (viewNo & 0xfff) << 20) | (entry & 0xfffff);
    }

    /** Whether r's source-side cuts are the same for every destination (no set tests both src and dst dimensions). */
    boolean isStatic(Rule r) {
        SetView[] sv = ruleSets.get(r);
        if (sv == null) return true;
        for (SetView v : sv) if (v != null && v.hasDst() && v.hasSrc()) return false;
        return true;
    }

    /** The rules (by {@link #index}) relevant to at least one of the views. */
    BitSet relevant(List<View> vs) {
        BitSet out = new BitSet(all.size());
        for (View v : vs) {
            for (Rule r : general) {
                int i = index.get(r);
                if (!out.get(i) && dstMay(r, v)) out.set(i);
            }
            for (Map.Entry<Integer, Map<Integer, List<Rule>>> e : byDst.entrySet()) {
                List<Rule> l = e.getValue().get(v.daddr() & Prefix.maskOf(e.getKey()));
                if (l != null) for (Rule r : l) {
                    int i = index.get(r);
                    if (!out.get(i) && dstMay(r, v)) out.set(i);
                }
            }
        }
        return out;
    }

    /** The rules whose source cuts do not depend on the destination (see {@link #isStatic}). */
    BitSet statics() {
        if (statics == null) {
            statics = new BitSet(all.size());
            for (int i = 0; i < all.size(); i++) if (isStatic(all.get(i))) statics.set(i);
        }
        return statics;
    }

    private BitSet statics;

    /** The views a destination is also seen as after a relevant DNAT rule rewrote it. */
    List<View> dnatViews(BitSet rules, View v) {
        List<View> out = new ArrayList<>();
        for (int i = rules.nextSetBit(0); i >= 0; i = rules.nextSetBit(i + 1)) {
            Rule r = all.get(i);
            if (r.target() instanceof Dnat d && d.range().minAddr() != null)
                out.add(new View(d.range().minAddr().bits(), v.proto(),
                        d.range().ports() != null ? d.range().ports().from() : v.dport(), v.portKnown()));
        }
        return out;
    }

    private SetView view(SetMatch s) {
        return views.computeIfAbsent(s, k -> {
            IpSet set = sets.get(k.setName());
            return set == null ? null : new SetView(set, k.srcFlags());
        });
    }

    /** False when a destination-side test of r cannot hold for a packet seen as v. */
    boolean dstMay(Rule r, View v) {
        List<Match> ms = r.matches();
        for (int i = 0; i < ms.size(); i++) {
            Match m = ms.get(i);
            if (m instanceof AddrMatch a) {
                if (a.dir() == AddrMatch.Direction.DST && SetView.contains(a.prefix(), v.daddr()) == a.negated()) return false;
            } else if (m instanceof ProtoMatch p) {
                boolean hit = p.protocol().number() == 0 || p.protocol().number() == v.proto();
                if (hit == p.negated()) return false;
            } else if (m instanceof TcpMatch t) {
                if (v.proto() != 6 || !portMay(t.dport(), v)) return false;
            } else if (m instanceof UdpMatch u) {
                if (v.proto() != 17 || !portMay(u.dport(), v)) return false;
            } else if (m instanceof IcmpMatch) {
                if (v.proto() != 1) return false;
            } else if (m instanceof MultiportMatch mp) {
                if (mp.kind() == MultiportMatch.Kind.DESTINATION && v.portKnown()) {
                    boolean hit = false;
                    for (PortRange pr : mp.ports()) hit |= pr.contains(v.dport());
                    if (hit == mp.negated()) return false;
                }
            } else if (m instanceof IprangeMatch ir) {
                if (ir.dstFrom() != null) {
                    long d = Ranges.u(v.daddr());
                    boolean in = d >= ir.dstFrom().unsigned() && d <= ir.dstTo().unsigned();
                    if (in == ir.dstNegated()) return false;
                }
            } else if (m instanceof SetMatch s) {
                SetView sv = ruleSets.get(r)[i];
                if (sv == null || s.negated() || s.returnNomatch()) continue; // a missing set is lint's business
                if (sv.neverMatches()) return false;
                if (sv.hasDst() && !sv.anyFor(v)) return false;
            }
        }
        return true;
    }

    private static boolean portMay(PortSpec s, View v) {
        return s == null || !v.portKnown() || s.matches(v.dport());
    }

    /** Adds r's source-side tests, as seen by a packet to v (the viewNo-th view), to the source address and port cuts. */
    void srcCuts(Rule r, View v, int viewNo, Cells addr, Cells sport) {
        List<Match> ms = r.matches();
        for (int i = 0; i < ms.size(); i++) {
            Match m = ms.get(i);
            if (m instanceof AddrMatch a) {
                if (a.dir() == AddrMatch.Direction.SRC) addr.cut(Ranges.lo(a.prefix()), Ranges.hi(a.prefix()), testId(r, i, 0, 0));
            } else if (m instanceof IprangeMatch ir) {
                if (ir.srcFrom() != null) addr.cut(ir.srcFrom().unsigned(), ir.srcTo().unsigned(), testId(r, i, 0, 0));
            } else if (m instanceof ConntrackMatch c) {
                int k = 0;
                for (ConntrackMatch.Criterion cr : c.criteria()) {
                    k++;
                    if (cr instanceof ConntrackMatch.Addr ad && ad.field() == ConntrackMatch.Field.ORIGSRC)
                        addr.cut(Ranges.lo(ad.prefix()), Ranges.hi(ad.prefix()), testId(r, i, 0, k));
                    else if (cr instanceof ConntrackMatch.Port po && po.field() == ConntrackMatch.Field.ORIGSRC)
                        sport.cut(po.range().from(), po.range().to(), testId(r, i, 0, k));
                }
            } else if (m instanceof TcpMatch t) {
                if (t.sport() != null) sport.cut(t.sport().range().from(), t.sport().range().to(), testId(r, i, 0, 0));
            } else if (m instanceof UdpMatch u) {
                if (u.sport() != null) sport.cut(u.sport().range().from(), u.sport().range().to(), testId(r, i, 0, 0));
            } else if (m instanceof MultiportMatch mp) {
                if (mp.kind() != MultiportMatch.Kind.DESTINATION)
                    for (PortRange pr : mp.ports()) sport.cut(pr.from(), pr.to(), testId(r, i, 0, 0));
            } else if (m instanceof SetMatch) {
                SetView sv = ruleSets.get(r)[i];
                if (sv != null) sv.srcCuts(v, addr, sport, testId(r, i, sv.hasDst() ? viewNo + 1 : 0, 0));
            }
        }
    }

    /** Adds r's destination-port tests, for a packet to v's address and protocol, to the cuts. */
    void dportCuts(Rule r, View v, Cells dport) {
        List<Match> ms = r.matches();
        for (int i = 0; i < ms.size(); i++) {
            Match m = ms.get(i);
            if (m instanceof TcpMatch t) {
                if (t.dport() != null) dport.cut(t.dport().range().from(), t.dport().range().to(), testId(r, i, 0, 0));
            } else if (m instanceof UdpMatch u) {
                if (u.dport() != null) dport.cut(u.dport().range().from(), u.dport().range().to(), testId(r, i, 0, 0));
            } else if (m instanceof MultiportMatch mp) {
                if (mp.kind() != MultiportMatch.Kind.SOURCE)
                    for (PortRange pr : mp.ports()) dport.cut(pr.from(), pr.to(), testId(r, i, 0, 0));
            } else if (m instanceof ConntrackMatch c) {
                int k = 0;
                for (ConntrackMatch.Criterion cr : c.criteria()) {
                    k++;
                    if (cr instanceof ConntrackMatch.Port po && po.field() == ConntrackMatch.Field.ORIGDST)
                        dport.cut(po.range().from(), po.range().to(), testId(r, i, 0, k));
                }
            } else if (m instanceof SetMatch) {
                SetView sv = ruleSets.get(r)[i];
                if (sv != null) sv.dportCuts(v, dport, testId(r, i, 0, 0));
            }
        }
    }
}
