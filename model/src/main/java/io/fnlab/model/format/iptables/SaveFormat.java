package io.fnlab.model.format.iptables;

import io.fnlab.model.netfilter.Rule;
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
import io.fnlab.model.netfilter.targets.Connmark;
import io.fnlab.model.netfilter.targets.Ct;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Goto;
import io.fnlab.model.netfilter.targets.Jump;
import io.fnlab.model.netfilter.targets.Log;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.Notrack;
import io.fnlab.model.netfilter.targets.Redirect;
import io.fnlab.model.netfilter.targets.Reject;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.netfilter.targets.TraceTarget;
import io.fnlab.model.netfilter.targets.Verdict;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Prints a rule spec the way iptables-save does: the ip_tables fields in print_rule4's fixed
 * order (-s -d -i -o -p -f), then each match as "-m NAME" followed by its save function's
 * output, then -j/-g and the target's save output.
 */
final class SaveFormat {
    private SaveFormat() {}

    static String rule(Rule r) {
        StringBuilder b = new StringBuilder();
        List<Match> ms = r.matches();
        for (Class<?> k : List.of(AddrMatch.class, IfaceMatch.class, ProtoMatch.class, FragmentMatch.class)) {
            if (k == AddrMatch.class) {
                addr(b, ms, AddrMatch.Direction.SRC);
                addr(b, ms, AddrMatch.Direction.DST);
            } else if (k == IfaceMatch.class) {
                iface(b, ms, IfaceMatch.Direction.IN);
                iface(b, ms, IfaceMatch.Direction.OUT);
            } else {
                for (Match m : ms) {
                    if (m instanceof ProtoMatch p && k == ProtoMatch.class)
                        b.append(p.negated() ? " ! -p " : " -p ").append(Protocols.name(p.protocol()));
                    if (m instanceof FragmentMatch f && k == FragmentMatch.class) b.append(f.negated() ? " ! -f" : " -f");
                }
            }
        }
        for (Match m : ms) {
            if (m.module() == null) continue;
            b.append(" -m ").append(m.module());
            match(b, m);
        }
        Target t = r.target();
        if (t != null) {
            b.append(t instanceof Goto ? " -g " : " -j ").append(t.name());
            target(b, t);
        }
        return b.length() == 0 ? "" : b.substring(1);
    }

    private static void addr(StringBuilder b, List<Match> ms, AddrMatch.Direction d) {
        for (Match m : ms)
            if (m instanceof AddrMatch a && a.dir() == d)
                b.append(a.negated() ? " ! " : " ").append(d == AddrMatch.Direction.SRC ? "-s " : "-d ").append(a.prefix());
    }

    private static void iface(StringBuilder b, List<Match> ms, IfaceMatch.Direction d) {
        for (Match m : ms)
            if (m instanceof IfaceMatch a && a.dir() == d)
                b.append(a.negated() ? " ! " : " ").append(d == IfaceMatch.Direction.IN ? "-i " : "-o ").append(a.name());
    }

    static String not(boolean n) {
        return n ? " !" : "";
    }

    /** xtables_save_string: bare when only [A-Za-z0-9_-], else double-quoted with \ escapes. */
    static String quote(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> c == '_' || c == '-' || (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return s;
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\' || c == '\'') q.append('\\');
            q.append(c);
        }
        return q.append('"').toString();
    }

    static void match(StringBuilder b, Match m) {
        if (m instanceof TcpMatch t) {
            ports(b, t.sport(), "--sport");
            ports(b, t.dport(), "--dport");
            if (t.option() != null || t.optionNegated()) b.append(not(t.optionNegated())).append(" --tcp-option ").append(t.option() == null ? 0 : t.option());
            if (t.flags() != null && (t.flags().mask() != 0 || t.flags().negated()))
                b.append(not(t.flags().negated())).append(" --tcp-flags ").append(flags(t.flags().mask())).append(' ').append(flags(t.flags().comp()));
        }
        if (m instanceof UdpMatch u) {
            ports(b, u.sport(), "--sport");
            ports(b, u.dport(), "--dport");
        }
        if (m instanceof IcmpMatch i) {
            b.append(not(i.negated()));
            if (i.type() == 255) b.append(" --icmp-type any");
            else {
                b.append(" --icmp-type ").append(i.type());
                if (i.codeMin() != 0 || i.codeMax() != 255) b.append('/').append(i.codeMin());
            }
        }
        if (m instanceof MultiportMatch p) {
            b.append(not(p.negated())).append(switch (p.kind()) {
                case SOURCE -> " --sports ";
                case DESTINATION -> " --dports ";
                case ANY -> " --ports ";
            });
            StringJoiner j = new StringJoiner(",");
            p.ports().forEach(r -> j.add(Addrs.range(r)));
            b.append(j);
        }
        if (m instanceof MarkMatch k) {
            b.append(not(k.negated())).append(" --mark ").append(markMask(k.value(), k.mask()));
        }
        if (m instanceof ConnmarkMatch k) {
            b.append(not(k.negated())).append(" --mark ").append(markMask(k.value(), k.mask()));
        }
        if (m instanceof ConntrackMatch c) {
            for (ConntrackMatch.Criterion x : c.criteria()) conntrack(b, x);
        }
        if (m instanceof StateMatch s) {
            b.append(not(s.negated())).append(" --state ").append(states(s.states()));
        }
        if (m instanceof SetMatch s) {
            b.append(not(s.negated())).append(" --match-set ").append(s.setName()).append(' ');
            StringJoiner j = new StringJoiner(",");
            s.srcFlags().forEach(f -> j.add(f ? "src" : "dst"));
            b.append(j);
            if (s.returnNomatch()) b.append(" --return-nomatch");
        }
        if (m instanceof IpvsMatch v) {
            for (IpvsMatch.Criterion x : v.criteria()) ipvs(b, x);
        }
        if (m instanceof CommentMatch c) {
            b.append(" --comment ").append(quote(c.text()));
        }
        if (m instanceof AddrtypeMatch a) {
            if (!a.srcTypes().isEmpty()) b.append(not(a.srcNegated())).append(" --src-type ").append(types(a.srcTypes()));
            if (!a.dstTypes().isEmpty()) b.append(not(a.dstNegated())).append(" --dst-type ").append(types(a.dstTypes()));
            if (a.limitIfaceIn()) b.append(" --limit-iface-in");
            if (a.limitIfaceOut()) b.append(" --limit-iface-out");
        }
        if (m instanceof StatisticMatch s) {
            if (s.mode() == StatisticMatch.Mode.RANDOM)
                b.append(" --mode random").append(not(s.negated())).append(" --probability ")
                        .append(String.format(Locale.ROOT, "%.11f", s.probabilityU32() / 2147483648.0));
            else
                b.append(" --mode nth").append(not(s.negated())).append(" --every ").append(s.every())
                        .append(" --packet ").append(s.packet());
        }
        if (m instanceof IprangeMatch r) {
            if (r.srcFrom() != null) b.append(not(r.srcNegated())).append(" --src-range ").append(r.srcFrom()).append('-').append(r.srcTo());
            if (r.dstFrom() != null) b.append(not(r.dstNegated())).append(" --dst-range ").append(r.dstFrom()).append('-').append(r.dstTo());
        }
        if (m instanceof PhysdevMatch p) {
            if (p.isIn() != null) b.append(not(!p.isIn())).append(" --physdev-is-in");
            if (p.in() != null) b.append(not(p.inNegated())).append(" --physdev-in ").append(p.in());
            if (p.isOut() != null) b.append(not(!p.isOut())).append(" --physdev-is-out");
            if (p.out() != null) b.append(not(p.outNegated())).append(" --physdev-out ").append(p.out());
            if (p.isBridged() != null) b.append(not(!p.isBridged())).append(" --physdev-is-bridged");
        }
        if (m instanceof LimitMatch l) {
            LimitMatch c = MatchParsers.canonical(MatchParsers.period(l.count(), unit(l.unit())), l.burst());
            b.append(" --limit ").append(c.count()).append('/').append(c.unit());
            if (l.burst() != 5) b.append(" --limit-burst ").append(l.burst());
        }
    }

    /** A unit as LimitMatch may hold it ("second", "s", "min" ...) to print_rate's names. */
    static String unit(String u) {
        String s = u.toLowerCase(Locale.ROOT);
        if ("second".startsWith(s) || s.equals("sec")) return "sec";
        if ("minute".startsWith(s) || s.equals("min")) return "min";
        if ("hour".startsWith(s)) return "hour";
        return "day";
    }

    private static void ports(StringBuilder b, PortSpec p, String opt) {
        if (p == null) return;
        // tcp_save/udp_save skip the full range even when inverted
        if (p.range().from() == 0 && p.range().to() == 65535) return;
        b.append(not(p.negated())).append(' ').append(opt).append(' ').append(Addrs.range(p.range()));
    }

    static String flags(int f) {
        if (f == 0) return "NONE";
        StringJoiner j = new StringJoiner(",");
        for (int k = 0; k < 6; k++) if ((f & (1 << k)) != 0) j.add(MatchParsers.FLAG_NAMES[k]);
        return j.toString();
    }

    static String markMask(long v, long m) {
        return m == 0xffffffffL ? Numbers.hex(v) : Numbers.hex(v) + "/" + Numbers.hex(m);
    }

    static String states(Collection<CtState> s) {
        StringJoiner j = new StringJoiner(",");
        for (CtState c : MatchParsers.STATE_ORDER) if (s.contains(c)) j.add(c.name());
        return j.toString();
    }

    static String types(Set<AddrtypeMatch.AddrType> t) {
        StringJoiner j = new StringJoiner(",");
        for (AddrtypeMatch.AddrType x : AddrtypeMatch.AddrType.values()) if (t.contains(x)) j.add(x.name());
        return j.toString();
    }

    private static void conntrack(StringBuilder b, ConntrackMatch.Criterion x) {
        if (x instanceof ConntrackMatch.State s) {
            b.append(not(s.negated())).append(" --ctstate ").append(states(s.states()));
        }
        if (x instanceof ConntrackMatch.Proto p) {
            b.append(not(p.negated())).append(" --ctproto ").append(p.protocol().number());
        }
        if (x instanceof ConntrackMatch.Addr a) {
            b.append(not(a.negated())).append(" --ct").append(a.field().name().toLowerCase(Locale.ROOT))
                    .append(' ').append(Addrs.withMask(a.prefix()));
        }
        if (x instanceof ConntrackMatch.Port p) {
            b.append(not(p.negated())).append(" --ct").append(p.field().name().toLowerCase(Locale.ROOT))
                    .append("port ").append(Addrs.range(p.range()));
        }
        if (x instanceof ConntrackMatch.Status s) {
            StringJoiner j = new StringJoiner(",");
            for (String n : MatchParsers.STATUS_ORDER) if (s.statuses().contains(n)) j.add(n);
            b.append(not(s.negated())).append(" --ctstatus ").append(s.statuses().isEmpty() ? "NONE" : j.toString());
        }
        if (x instanceof ConntrackMatch.Expire e) {
            b.append(not(e.negated())).append(" --ctexpire ")
                    .append(e.min() == e.max() ? Long.toString(e.min()) : e.min() + ":" + e.max());
        }
        if (x instanceof ConntrackMatch.Dir d) {
            b.append(" --ctdir ").append(d.reply() ? "REPLY" : "ORIGINAL");
        }
    }

    private static void ipvs(StringBuilder b, IpvsMatch.Criterion x) {
        if (x instanceof IpvsMatch.Property p) {
            b.append(not(p.negated())).append(" --ipvs");
        }
        if (x instanceof IpvsMatch.VProto p) {
            b.append(not(p.negated())).append(" --vproto ").append(p.protocol().number());
        }
        if (x instanceof IpvsMatch.VAddr a) {
            b.append(not(a.negated())).append(" --vaddr ").append(Addrs.withMask(a.prefix()));
        }
        if (x instanceof IpvsMatch.VPort p) {
            b.append(not(p.negated())).append(" --vport ").append(p.port());
        }
        if (x instanceof IpvsMatch.VDir d) {
            b.append(" --vdir ").append(d.reply() ? "REPLY" : "ORIGINAL");
        }
        if (x instanceof IpvsMatch.VMethod m) {
            b.append(not(m.negated())).append(" --vmethod ").append(m.method());
        }
        if (x instanceof IpvsMatch.VPortCtl p) {
            b.append(not(p.negated())).append(" --vportctl ").append(p.port());
        }
    }

    static void target(StringBuilder b, Target t) {
        // Verdict: nothing to print
        // Jump: nothing to print
        // Goto: nothing to print
        if (t instanceof Reject r) {
            b.append(" --reject-with ").append(r.with() == null ? Reject.DEFAULT : r.with());
        }
        if (t instanceof Mark m) {
            b.append(" --set-xmark ").append(Numbers.hex(m.value())).append('/').append(Numbers.hex(m.mask()));
        }
        if (t instanceof Connmark c) {
            switch (c.mode()) {
                case SET -> b.append(" --set-xmark ").append(Numbers.hex(c.value())).append('/').append(Numbers.hex(c.mask()));
                case SAVE -> b.append(" --save-mark --nfmask ").append(Numbers.hex(c.nfmask())).append(" --ctmask ").append(Numbers.hex(c.ctmask()));
                case RESTORE -> b.append(" --restore-mark --nfmask ").append(Numbers.hex(c.nfmask())).append(" --ctmask ").append(Numbers.hex(c.ctmask()));
            }
        }
        if (t instanceof Dnat d) {
            b.append(" --to-destination ").append(d.range().format());
            if (d.random()) b.append(" --random");
            if (d.persistent()) b.append(" --persistent");
        }
        if (t instanceof Snat s) {
            b.append(" --to-source ").append(s.range().format());
            if (s.random()) b.append(" --random");
            if (s.randomFully()) b.append(" --random-fully");
            if (s.persistent()) b.append(" --persistent");
        }
        if (t instanceof Masquerade m) {
            if (m.ports() != null) b.append(" --to-ports ").append(m.ports().format('-'));
            if (m.random()) b.append(" --random");
            if (m.randomFully()) b.append(" --random-fully");
        }
        if (t instanceof Redirect r) {
            if (r.ports() != null) b.append(" --to-ports ").append(r.ports().format('-'));
            if (r.random()) b.append(" --random");
        }
        if (t instanceof Log l) {
            if (l.prefix() != null) b.append(" --log-prefix ").append(quote(l.prefix()));
            if (l.level() != null && !l.level().equals("4")) b.append(" --log-level ").append(l.level());
            if (l.tcpSequence()) b.append(" --log-tcp-sequence");
            if (l.tcpOptions()) b.append(" --log-tcp-options");
            if (l.ipOptions()) b.append(" --log-ip-options");
            if (l.uid()) b.append(" --log-uid");
        }
        // Notrack: nothing to print
        if (t instanceof Ct c) {
            if (c.notrack()) b.append(" --notrack");
        }
        // TraceTarget: nothing to print
    }
}
