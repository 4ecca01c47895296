package io.fnlab.model.format.iptables;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.match.AddrtypeMatch;
import io.fnlab.model.netfilter.match.CommentMatch;
import io.fnlab.model.netfilter.match.ConnmarkMatch;
import io.fnlab.model.netfilter.match.ConntrackMatch;
import io.fnlab.model.netfilter.match.CtState;
import io.fnlab.model.netfilter.match.IcmpMatch;
import io.fnlab.model.netfilter.match.IprangeMatch;
import io.fnlab.model.netfilter.match.IpvsMatch;
import io.fnlab.model.netfilter.match.LimitMatch;
import io.fnlab.model.netfilter.match.MarkMatch;
import io.fnlab.model.netfilter.match.MultiportMatch;
import io.fnlab.model.netfilter.match.PhysdevMatch;
import io.fnlab.model.netfilter.match.PortSpec;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.SetMatch;
import io.fnlab.model.netfilter.match.StateMatch;
import io.fnlab.model.netfilter.match.StatisticMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.match.UdpMatch;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/** The match extensions fnlab models, each reading its options as libxt_NAME.c does. */
final class MatchParsers {
    private MatchParsers() {}

    /** A new parser for -m NAME, or null when fnlab does not model NAME. */
    static ExtParser create(String name) {
        return switch (name) {
            case "tcp" -> new Tcp();
            case "udp" -> new Udp();
            case "icmp" -> new Icmp();
            case "multiport" -> new Multiport();
            case "mark" -> new Mark("mark");
            case "connmark" -> new Mark("connmark");
            case "conntrack" -> new Conntrack();
            case "state" -> new State();
            case "set" -> new SetM();
            case "ipvs" -> new Ipvs();
            case "comment" -> new Comment();
            case "addrtype" -> new Addrtype();
            case "statistic" -> new Statistic();
            case "iprange" -> new Iprange();
            case "physdev" -> new Physdev();
            case "limit" -> new Limit();
            default -> null;
        };
    }

    // ---------------------------------------------------------------- tcp / udp (libxt_tcp.c, libxt_udp.c)

    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, URG = 32;
    static final String[] FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};

    static final class Tcp extends ExtParser {
        PortSpec sport, dport;
        TcpMatch.TcpFlags flags;
        Integer option;
        boolean optionInv;

        Tcp() {
            super("tcp");
        }

        List<Opt> opts() {
            return List.of(new Opt("source-port", 1, true, "sport"), new Opt("destination-port", 1, true, "dport"),
                    new Opt("syn", 0, true), new Opt("tcp-flags", 2, true), new Opt("tcp-option", 1, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            switch (o.name()) {
                case "source-port" -> {
                    if (sport != null) throw XtError.usage("Only one `--source-port' allowed", w);
                    sport = new PortSpec(Addrs.tcpPorts(a.get(0), w), inv);
                }
                case "destination-port" -> {
                    if (dport != null) throw XtError.usage("Only one `--destination-port' allowed", w);
                    dport = new PortSpec(Addrs.tcpPorts(a.get(0), w), inv);
                }
                case "syn", "tcp-flags" -> {
                    if (flags != null) throw XtError.usage("Only one of `--syn' or `--tcp-flags'  allowed", w);
                    flags = o.name().equals("syn") ? new TcpMatch.TcpFlags(FIN | SYN | RST | ACK, SYN, inv)
                            : new TcpMatch.TcpFlags(flagList(a.get(0), w), flagList(a.get(1), w), inv);
                }
                default -> {
                    if (option != null) throw XtError.usage("Only one `--tcp-option' allowed", w);
                    Long v = Numbers.parseUnsigned(a.get(0), 255);
                    if (v == null || v == 0) throw XtError.usage("Bad TCP option \"" + a.get(0) + "\"", w);
                    option = v.intValue();
                    optionInv = inv;
                }
            }
        }

        static int flagList(String s, int w) {
            int r = 0;
            for (String f : s.split(",", -1)) {
                switch (f.toUpperCase(Locale.ROOT)) {
                    case "FIN" -> r |= FIN;
                    case "SYN" -> r |= SYN;
                    case "RST" -> r |= RST;
                    case "PSH" -> r |= PSH;
                    case "ACK" -> r |= ACK;
                    case "URG" -> r |= URG;
                    case "ALL" -> r |= 0x3f;
                    case "NONE" -> r |= 0;
                    default -> throw XtError.usage("Unknown TCP flag `" + f + "'", w);
                }
            }
            return r;
        }

        Object finish(ProtoMatch proto) {
            requireProto(proto, Protocol.TCP, "TCP match requires '-p tcp'", word);
            // tcp_save prints nothing for the full range or an all-zero flag mask: they are no criterion
            if (sport != null && sport.range().equals(PortRange.ALL) && !sport.negated()) sport = null;
            if (dport != null && dport.range().equals(PortRange.ALL) && !dport.negated()) dport = null;
            if (flags != null && flags.mask() == 0 && !flags.negated()) flags = null;
            return new TcpMatch(sport, dport, flags, option, optionInv);
        }
    }

    static void requireProto(ProtoMatch proto, Protocol p, String msg, int w) {
        if (proto == null || proto.negated() || !proto.protocol().equals(p)) {
            // iptables accepts "! -p tcp -m tcp" in userspace; the kernel's xt_check_match refuses it
            if (proto != null && proto.negated() && proto.protocol().equals(p)) return;
            throw XtError.usage(msg, w);
        }
    }

    static final class Udp extends ExtParser {
        PortSpec sport, dport;

        Udp() {
            super("udp");
        }

        List<Opt> opts() {
            return List.of(new Opt("source-port", 1, true, "sport"), new Opt("destination-port", 1, true, "dport"));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, false, w);
            PortSpec p = new PortSpec(Addrs.tcpPorts(a.get(0), w), inv);
            if (o.name().equals("source-port")) sport = p;
            else dport = p;
        }

        Object finish(ProtoMatch proto) {
            requireProto(proto, Protocol.UDP, "UDP match requires '-p udp'", word);
            if (sport != null && sport.range().equals(PortRange.ALL) && !sport.negated()) sport = null;
            if (dport != null && dport.range().equals(PortRange.ALL) && !dport.negated()) dport = null;
            return new UdpMatch(sport, dport);
        }
    }

    // ---------------------------------------------------------------- icmp (libipt_icmp.c)

    record IcmpName(String name, int type, int min, int max) {}

    static final List<IcmpName> ICMP = List.of(new IcmpName("any", 255, 0, 255),
            new IcmpName("echo-reply", 0, 0, 255), new IcmpName("destination-unreachable", 3, 0, 255),
            new IcmpName("network-unreachable", 3, 0, 0), new IcmpName("host-unreachable", 3, 1, 1),
            new IcmpName("protocol-unreachable", 3, 2, 2), new IcmpName("port-unreachable", 3, 3, 3),
            new IcmpName("fragmentation-needed", 3, 4, 4), new IcmpName("source-route-failed", 3, 5, 5),
            new IcmpName("network-unknown", 3, 6, 6), new IcmpName("host-unknown", 3, 7, 7),
            new IcmpName("network-prohibited", 3, 9, 9), new IcmpName("host-prohibited", 3, 10, 10),
            new IcmpName("TOS-network-unreachable", 3, 11, 11), new IcmpName("TOS-host-unreachable", 3, 12, 12),
            new IcmpName("communication-prohibited", 3, 13, 13), new IcmpName("host-precedence-violation", 3, 14, 14),
            new IcmpName("precedence-cutoff", 3, 15, 15), new IcmpName("source-quench", 4, 0, 255),
            new IcmpName("redirect", 5, 0, 255), new IcmpName("network-redirect", 5, 0, 0),
            new IcmpName("host-redirect", 5, 1, 1), new IcmpName("TOS-network-redirect", 5, 2, 2),
            new IcmpName("TOS-host-redirect", 5, 3, 3), new IcmpName("echo-request", 8, 0, 255),
            new IcmpName("router-advertisement", 9, 0, 255), new IcmpName("router-solicitation", 10, 0, 255),
            new IcmpName("time-exceeded", 11, 0, 255), new IcmpName("ttl-zero-during-transit", 11, 0, 0),
            new IcmpName("ttl-zero-during-reassembly", 11, 1, 1), new IcmpName("parameter-problem", 12, 0, 255),
            new IcmpName("ip-header-bad", 12, 0, 0), new IcmpName("required-option-missing", 12, 1, 1),
            new IcmpName("timestamp-request", 13, 0, 255), new IcmpName("timestamp-reply", 14, 0, 255),
            new IcmpName("address-mask-request", 17, 0, 255), new IcmpName("address-mask-reply", 18, 0, 255));

    static final class Icmp extends ExtParser {
        IcmpMatch m;

        Icmp() {
            super("icmp");
        }

        List<Opt> opts() {
            return List.of(new Opt("icmp-type", 1, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            String s = a.get(0);
            IcmpName found = null;
            for (IcmpName n : ICMP) {
                if (n.name().regionMatches(true, 0, s, 0, s.length()) && s.length() <= n.name().length()) {
                    if (found != null)
                        throw XtError.usage("Ambiguous ICMP type `" + s + "': `" + found.name() + "' or `" + n.name() + "'?", w);
                    found = n;
                }
            }
            if (found == null || s.isEmpty()) {
                int slash = s.indexOf('/');
                Long t = Numbers.parseUnsigned(slash < 0 ? s : s.substring(0, slash), 255);
                if (t == null) throw XtError.usage("Invalid ICMP type `" + s + "'", w);
                int min = 0, max = 255;
                if (slash >= 0) {
                    Long c = Numbers.parseUnsigned(s.substring(slash + 1), 255);
                    if (c == null) throw XtError.usage("Unknown ICMP code `" + s + "'", w);
                    min = max = c.intValue();
                }
                found = new IcmpName(s, t.intValue(), min, max);
            }
            // icmp_save prints only "any" for type 255: its codes cannot survive a save
            if (found.type() == 255) found = new IcmpName("any", 255, 0, 255);
            m = new IcmpMatch(found.type(), found.min(), found.max(), inv);
        }

        Object finish(ProtoMatch proto) {
            requireProto(proto, Protocol.ICMP, "ICMP match requires '-p icmp'", word);
            return m != null ? m : new IcmpMatch(255, 0, 255, false);
        }
    }

    // ---------------------------------------------------------------- multiport (libxt_multiport.c, revision 1)

    static final class Multiport extends ExtParser {
        MultiportMatch m;

        Multiport() {
            super("multiport");
        }

        List<Opt> opts() {
            return List.of(new Opt("source-ports", 1, true, "sports"), new Opt("destination-ports", 1, true, "dports"),
                    new Opt("ports", 1, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            for (String other : List.of("source-ports", "destination-ports", "ports"))
                if (!other.equals(o.name()) && seen.contains(other))
                    throw XtError.usage("multiport: option \"--" + other + "\" cannot be used together with \"--" + o.name() + "\".", w);
            generic(o, inv, w);
            List<PortRange> ports = new ArrayList<>();
            int slots = 0;
            for (String p : a.get(0).split(",", -1)) {
                int c = p.indexOf(':');
                PortRange r;
                if (c < 0) r = PortRange.single(Addrs.portOrFail(p, w));
                else {
                    int lo = Addrs.portOrFail(p.substring(0, c), w), hi = Addrs.portOrFail(p.substring(c + 1), w);
                    if (lo > hi) throw XtError.usage("invalid portrange (min > max)", w);
                    r = new PortRange(lo, hi);
                }
                slots += r.isSingle() ? 1 : 2;
                if (slots > 15) throw XtError.usage("too many ports specified", w);
                ports.add(r);
            }
            MultiportMatch.Kind k = switch (o.name()) {
                case "source-ports" -> MultiportMatch.Kind.SOURCE;
                case "destination-ports" -> MultiportMatch.Kind.DESTINATION;
                default -> MultiportMatch.Kind.ANY;
            };
            m = new MultiportMatch(k, ports, inv);
        }

        Object finish(ProtoMatch proto) {
            if (m == null) throw XtError.usage("multiport expection an option", word);
            int p = proto == null ? -1 : proto.protocol().number();
            if (proto == null || proto.negated() || !(p == 6 || p == 17 || p == 136 || p == 132 || p == 33))
                throw XtError.usage("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'", word);
            return m;
        }
    }

    // ---------------------------------------------------------------- mark / connmark (libxt_mark.c, libxt_connmark.c)

    static final class Mark extends ExtParser {
        long[] vm;
        boolean inv;

        Mark(String name) {
            super(name);
        }

        List<Opt> opts() {
            return List.of(new Opt("mark", 1, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            vm = markMask(ext, "mark", a.get(0), w);
            this.inv = inv;
        }

        Object finish(ProtoMatch proto) {
            if (vm == null) throw XtError.usage(ext + ": option \"--mark\" must be specified", word);
            return ext.equals("mark") ? new MarkMatch(vm[0], vm[1], inv) : new ConnmarkMatch(vm[0], vm[1], inv);
        }
    }

    // ---------------------------------------------------------------- conntrack / state (libxt_conntrack.c)

    /** The order conntrack_dump prints states in. */
    static final List<CtState> STATE_ORDER = List.of(CtState.INVALID, CtState.NEW, CtState.RELATED,
            CtState.ESTABLISHED, CtState.UNTRACKED, CtState.SNAT, CtState.DNAT);
    static final List<String> STATUS_ORDER = List.of("EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED");

    static Set<CtState> states(String s, boolean snatDnat, int w, String err) {
        Set<CtState> r = EnumSet.noneOf(CtState.class);
        for (String f : s.split(",", -1)) {
            CtState st = null;
            for (CtState c : CtState.values()) if (c.name().equalsIgnoreCase(f)) st = c;
            if (st == null || (!snatDnat && (st == CtState.SNAT || st == CtState.DNAT)))
                throw XtError.usage(err, w);
            r.add(st);
        }
        return r;
    }

    static final class Conntrack extends ExtParser {
        final TreeMap<Integer, ConntrackMatch.Criterion> crit = new TreeMap<>();

        Conntrack() {
            super("conntrack");
        }

        List<Opt> opts() {
            return List.of(new Opt("ctstate", 1, true), new Opt("ctproto", 1, true), new Opt("ctorigsrc", 1, true),
                    new Opt("ctorigdst", 1, true), new Opt("ctreplsrc", 1, true), new Opt("ctrepldst", 1, true),
                    new Opt("ctorigsrcport", 1, true), new Opt("ctorigdstport", 1, true),
                    new Opt("ctreplsrcport", 1, true), new Opt("ctrepldstport", 1, true), new Opt("ctstatus", 1, true),
                    new Opt("ctexpire", 1, true), new Opt("ctdir", 1, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            String s = a.get(0);
            int order = index(o);
            ConntrackMatch.Criterion c = switch (o.name()) {
                case "ctstate" -> new ConntrackMatch.State(states(s, true, w, "Bad ctstate \"" + s + "\""), inv);
                case "ctproto" -> {
                    Protocol p = Protocols.parse(s);
                    if (p == null) throw XtError.usage("unknown protocol \"" + s + "\" specified", w);
                    yield new ConntrackMatch.Proto(p, inv);
                }
                case "ctorigsrc", "ctorigdst", "ctreplsrc", "ctrepldst" ->
                        new ConntrackMatch.Addr(field(o.name(), 2), Addrs.prefix(s, w), inv);
                case "ctorigsrcport", "ctorigdstport", "ctreplsrcport", "ctrepldstport" -> {
                    int c2 = s.indexOf(':');
                    int lo = ctPort(c2 < 0 ? s : s.substring(0, c2), s, w);
                    int hi = c2 < 0 ? lo : ctPort(s.substring(c2 + 1), s, w);
                    if (lo > hi) throw XtError.usage("invalid portrange (min > max)", w);
                    yield new ConntrackMatch.Port(field(o.name(), 2), new PortRange(lo, hi), inv);
                }
                case "ctstatus" -> {
                    Set<String> st = new java.util.HashSet<>();
                    for (String f : s.split(",", -1)) {
                        String u = f.toUpperCase(Locale.ROOT);
                        if (u.equals("NONE")) continue;
                        if (!STATUS_ORDER.contains(u)) throw XtError.usage("Bad ctstatus \"" + s + "\"", w);
                        st.add(u);
                    }
                    yield new ConntrackMatch.Status(st, inv);
                }
                case "ctexpire" -> {
                    int c2 = s.indexOf(':');
                    long lo = u32(ext, "ctexpire", c2 < 0 ? s : s.substring(0, c2), w);
                    long hi = c2 < 0 ? lo : u32(ext, "ctexpire", s.substring(c2 + 1), w);
                    if (lo > hi) throw XtError.usage("expire min. range value \"" + lo + "\" greater than max. range value \"" + hi + "\"", w);
                    yield new ConntrackMatch.Expire(lo, hi, inv);
                }
                default -> {
                    if (s.equalsIgnoreCase("ORIGINAL")) yield new ConntrackMatch.Dir(false);
                    if (s.equalsIgnoreCase("REPLY")) yield new ConntrackMatch.Dir(true);
                    throw bad("ctdir", s, w);
                }
            };
            crit.put(order, c); // the option table is in conntrack_dump's print order
        }

        static ConntrackMatch.Field field(String opt, int skip) {
            String f = opt.substring(skip).replace("port", "").toUpperCase(Locale.ROOT);
            return ConntrackMatch.Field.valueOf(f);
        }

        static int ctPort(String p, String all, int w) {
            int v = Addrs.port(p);
            if (v < 0) throw XtError.usage("Port \"" + all + "\" does not resolve to anything.", w);
            return v;
        }

        Object finish(ProtoMatch proto) {
            if (crit.isEmpty()) throw XtError.usage("conntrack: At least one option is required", word);
            return new ConntrackMatch(new ArrayList<>(crit.values()));
        }
    }

    static final class State extends ExtParser {
        StateMatch m;

        State() {
            super("state");
        }

        List<Opt> opts() {
            return List.of(new Opt("state", 1, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            m = new StateMatch(states(a.get(0), false, w, "Bad state \"" + a.get(0) + "\""), inv);
        }

        Object finish(ProtoMatch proto) {
            if (m == null) throw XtError.usage("state: option \"--state\" must be specified", word);
            return m;
        }
    }

    // ---------------------------------------------------------------- set (libxt_set.c, revision 4)

    static final class SetM extends ExtParser {
        String name;
        List<Boolean> flags;
        boolean inv, nomatch;

        SetM() {
            super("set");
        }

        List<Opt> opts() {
            return List.of(new Opt("match-set", 2, true), new Opt("return-nomatch", 0, false),
                    new Opt("update-counters", 0, true), new Opt("update-subcounters", 0, true),
                    new Opt("packets-eq", 1, true), new Opt("packets-lt", 1, true), new Opt("packets-gt", 1, true),
                    new Opt("bytes-eq", 1, true), new Opt("bytes-lt", 1, true), new Opt("bytes-gt", 1, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            switch (o.name()) {
                case "match-set" -> {
                    if (name != null) throw XtError.usage("--match-set can be specified only once", w);
                    name = a.get(0);
                    if (name.length() > 31) throw XtError.usage("setname `" + name + "' too long, max 31 characters.", w);
                    List<Boolean> f = new ArrayList<>();
                    for (String d : a.get(1).split(",", -1)) {
                        if (d.equals("src")) f.add(true);
                        else if (d.equals("dst")) f.add(false);
                        else throw XtError.usage("You must spefify (the comma separated list of) 'src' or 'dst'.", w);
                    }
                    if (f.size() > 6) throw XtError.usage("Can't be more src/dst options than 6.", w);
                    flags = f;
                    this.inv = inv;
                }
                case "return-nomatch" -> nomatch = true;
                default -> throw XtError.notModelled("option '--" + o.name() + "' of match 'set' is not modelled by fnlab", w);
            }
        }

        Object finish(ProtoMatch proto) {
            if (name == null) throw XtError.usage("You must specify `--match-set' with proper arguments", word);
            return new SetMatch(name, flags, inv, nomatch);
        }
    }

    // ---------------------------------------------------------------- ipvs (libxt_ipvs.c)

    static final class Ipvs extends ExtParser {
        final TreeMap<Integer, IpvsMatch.Criterion> crit = new TreeMap<>();

        Ipvs() {
            super("ipvs");
        }

        List<Opt> opts() {
            return List.of(new Opt("ipvs", 0, true), new Opt("vproto", 1, true), new Opt("vaddr", 1, true),
                    new Opt("vport", 1, true), new Opt("vdir", 1, false), new Opt("vmethod", 1, true),
                    new Opt("vportctl", 1, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            String s = a.isEmpty() ? null : a.get(0);
            IpvsMatch.Criterion c = switch (o.name()) {
                case "ipvs" -> new IpvsMatch.Property(inv);
                case "vproto" -> {
                    Protocol p = Protocols.parse(s);
                    if (p == null) throw XtError.usage("unknown protocol \"" + s + "\" specified", w);
                    yield new IpvsMatch.VProto(p, inv);
                }
                case "vaddr" -> new IpvsMatch.VAddr(Addrs.prefix(s, w), inv);
                case "vport", "vportctl" -> {
                    int p = Addrs.port(s);
                    if (p < 0) throw XtError.usage("ipvs: bad value for option \"--" + o.name() + "\", or out of range (0-65535).", w);
                    yield o.name().equals("vport") ? new IpvsMatch.VPort(p, inv) : new IpvsMatch.VPortCtl(p, inv);
                }
                case "vdir" -> {
                    if (s.equalsIgnoreCase("ORIGINAL")) yield new IpvsMatch.VDir(false);
                    if (s.equalsIgnoreCase("REPLY")) yield new IpvsMatch.VDir(true);
                    throw bad("vdir", s, w);
                }
                default -> {
                    String m = s.toUpperCase(Locale.ROOT);
                    if (!m.equals("GATE") && !m.equals("IPIP") && !m.equals("MASQ")) throw bad("vmethod", s, w);
                    yield new IpvsMatch.VMethod(m, inv);
                }
            };
            crit.put(index(o), c);
        }

        Object finish(ProtoMatch proto) {
            if (crit.isEmpty()) throw XtError.usage("IPVS: At least one option is required", word);
            if (crit.size() > 1 || !crit.containsKey(0)) {
                IpvsMatch.Criterion p = crit.get(0);
                if (p instanceof IpvsMatch.Property pr && pr.negated())
                    throw XtError.usage("! --ipvs cannot be together with other options", word);
                // every other option implies --ipvs, and ipvs_mt_dump then does not print it
                crit.remove(0);
            }
            return new IpvsMatch(new ArrayList<>(crit.values()));
        }
    }

    // ---------------------------------------------------------------- comment (libxt_comment.c)

    static final class Comment extends ExtParser {
        String text;

        Comment() {
            super("comment");
        }

        List<Opt> opts() {
            return List.of(new Opt("comment", 1, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            String s = a.get(0);
            // XT_MAX_COMMENT_LEN is 256 with the NUL: the kernel keeps 255 bytes
            text = Utf8.truncate(s, 255);
        }

        Object finish(ProtoMatch proto) {
            if (text == null) throw XtError.usage("comment: option \"--comment\" must be specified", word);
            return new CommentMatch(text);
        }
    }

    // ---------------------------------------------------------------- addrtype (libxt_addrtype.c, revision 1)

    static final class Addrtype extends ExtParser {
        Set<AddrtypeMatch.AddrType> src = EnumSet.noneOf(AddrtypeMatch.AddrType.class);
        Set<AddrtypeMatch.AddrType> dst = EnumSet.noneOf(AddrtypeMatch.AddrType.class);
        boolean srcInv, dstInv, in, out;

        Addrtype() {
            super("addrtype");
        }

        List<Opt> opts() {
            return List.of(new Opt("src-type", 1, true), new Opt("dst-type", 1, true),
                    new Opt("limit-iface-in", 0, false), new Opt("limit-iface-out", 0, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            switch (o.name()) {
                case "src-type" -> {
                    src = types(a.get(0), w);
                    srcInv = inv;
                }
                case "dst-type" -> {
                    dst = types(a.get(0), w);
                    dstInv = inv;
                }
                case "limit-iface-in" -> in = true;
                default -> out = true;
            }
        }

        static Set<AddrtypeMatch.AddrType> types(String s, int w) {
            Set<AddrtypeMatch.AddrType> r = EnumSet.noneOf(AddrtypeMatch.AddrType.class);
            for (String f : s.split(",", -1)) {
                AddrtypeMatch.AddrType t = null;
                for (AddrtypeMatch.AddrType x : AddrtypeMatch.AddrType.values()) if (x.name().equalsIgnoreCase(f)) t = x;
                if (t == null) throw XtError.usage("addrtype: bad type \"" + f + "\"", w);
                r.add(t);
            }
            return r;
        }

        Object finish(ProtoMatch proto) {
            if (!seen.contains("src-type") && !seen.contains("dst-type"))
                throw XtError.usage("addrtype: you must specify --src-type or --dst-type", word);
            if (in && out)
                throw XtError.usage("addrtype: you can't specify both --limit-iface-in and --limit-iface-out", word);
            return new AddrtypeMatch(src, srcInv, dst, dstInv, in, out);
        }
    }

    // ---------------------------------------------------------------- statistic (libxt_statistic.c)

    static final class Statistic extends ExtParser {
        StatisticMatch.Mode mode = StatisticMatch.Mode.RANDOM;
        long prob = -1;
        long every = -1, packet = -1;
        boolean inv;

        Statistic() {
            super("statistic");
        }

        List<Opt> opts() {
            return List.of(new Opt("mode", 1, false), new Opt("probability", 1, true), new Opt("every", 1, true),
                    new Opt("packet", 1, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            if (o.name().equals("every")) conflict(o, "probability", w);
            if (o.name().equals("probability")) conflict(o, "every", w);
            generic(o, inv, w);
            String s = a.get(0);
            switch (o.name()) {
                case "mode" -> {
                    if (s.equals("random")) mode = StatisticMatch.Mode.RANDOM;
                    else if (s.equals("nth")) mode = StatisticMatch.Mode.NTH;
                    else throw XtError.usage("Bad mode \"" + s + "\"", w);
                }
                case "probability" -> {
                    double p;
                    try {
                        p = Double.parseDouble(s);
                    } catch (NumberFormatException e) {
                        p = Double.NaN;
                    }
                    if (!(p >= 0 && p <= 1) || s.endsWith("d") || s.endsWith("f") || s.endsWith("D") || s.endsWith("F"))
                        throw XtError.usage("statistic: bad value for option \"--probability\", or out of range (0-1).", w);
                    // lround(0x80000000 * prob), as statistic_parse stores it
                    prob = Math.round(2147483648.0 * p);
                    this.inv = inv;
                }
                case "every" -> {
                    Long v = Numbers.parseUnsigned(s, 0xffffffffL);
                    if (v == null || v == 0)
                        throw XtError.usage("statistic: bad value for option \"--every\", or out of range (1-4294967295).", w);
                    every = v;
                    this.inv = inv;
                }
                default -> {
                    Long v = Numbers.parseUnsigned(s, 0xffffffffL);
                    if (v == null) throw XtError.usage("statistic: bad value for option \"--packet\", or out of range (0-4294967295).", w);
                    packet = v;
                }
            }
        }

        Object finish(ProtoMatch proto) {
            if (mode == StatisticMatch.Mode.RANDOM) {
                if (prob < 0) throw XtError.usage("--probability must be specified when using random mode", word);
                if (every >= 0 || packet >= 0)
                    throw XtError.usage("--every and --packet can't be specified in random mode", word);
                return new StatisticMatch(mode, prob, 0, 0, inv);
            }
            if (prob >= 0) throw XtError.usage("--probability can only be specified in random mode", word);
            if (every < 0) throw XtError.usage("--every must be specified when using nth mode", word);
            if (packet < 0) throw XtError.usage("statistic: option \"--every\" also requires \"--packet\".", word);
            if (packet > every - 1) throw XtError.usage("the --packet p must be 0 <= p <= n-1", word);
            if (every > Integer.MAX_VALUE)
                throw XtError.notModelled("statistic --every above " + Integer.MAX_VALUE + " is not modelled by fnlab", word);
            return new StatisticMatch(mode, 0, (int) every, (int) packet, inv);
        }
    }

    // ---------------------------------------------------------------- iprange (libxt_iprange.c, revision 1)

    static final class Iprange extends ExtParser {
        Ipv4 sf, st, df, dt;
        boolean si, di;

        Iprange() {
            super("iprange");
        }

        List<Opt> opts() {
            return List.of(new Opt("src-range", 1, true), new Opt("dst-range", 1, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            String s = a.get(0);
            int d = s.indexOf('-');
            String from = d < 0 ? s : s.substring(0, d), to = d < 0 ? s : s.substring(d + 1);
            if (!Ipv4.isValid(from)) throw XtError.usage("iprange match: Bad IP address \"" + from + "\"", w);
            if (!Ipv4.isValid(to)) throw XtError.usage("iprange match: Bad IP address \"" + to + "\"", w);
            if (o.name().equals("src-range")) {
                sf = Ipv4.parse(from);
                st = Ipv4.parse(to);
                si = inv;
            } else {
                df = Ipv4.parse(from);
                dt = Ipv4.parse(to);
                di = inv;
            }
        }

        Object finish(ProtoMatch proto) {
            if (sf == null && df == null)
                throw XtError.usage("iprange match: You must specify `--src-range' or `--dst-range'", word);
            return new IprangeMatch(sf, st, si, df, dt, di);
        }
    }

    // ---------------------------------------------------------------- physdev (libxt_physdev.c)

    static final class Physdev extends ExtParser {
        String in, out;
        boolean inInv, outInv;
        Boolean isIn, isOut, isBridged;

        Physdev() {
            super("physdev");
        }

        List<Opt> opts() {
            return List.of(new Opt("physdev-in", 1, true), new Opt("physdev-out", 1, true),
                    new Opt("physdev-is-in", 0, true), new Opt("physdev-is-out", 0, true),
                    new Opt("physdev-is-bridged", 0, true));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            switch (o.name()) {
                case "physdev-in" -> {
                    in = RuleParser.ifname(a.get(0), w);
                    inInv = inv;
                }
                case "physdev-out" -> {
                    out = RuleParser.ifname(a.get(0), w);
                    outInv = inv;
                }
                case "physdev-is-in" -> isIn = !inv;
                case "physdev-is-out" -> isOut = !inv;
                default -> isBridged = !inv;
            }
        }

        Object finish(ProtoMatch proto) {
            if (seen.isEmpty()) throw XtError.usage("PHYSDEV: no physdev option specified", word);
            return new PhysdevMatch(in, inInv, out, outInv, isIn, isOut, isBridged);
        }
    }

    // ---------------------------------------------------------------- limit (libxt_limit.c)

    static final int LIMIT_SCALE = 10000;
    static final String[] RATE_NAMES = {"day", "hour", "min", "sec"};
    static final long[] RATE_MULT = {LIMIT_SCALE * 86400L, LIMIT_SCALE * 3600L, LIMIT_SCALE * 60L, LIMIT_SCALE};

    /** The kernel's average period for count/unit (unit is sec|min|hour|day). */
    static long period(int count, String unit) {
        long mult = switch (unit) {
            case "sec" -> 1;
            case "min" -> 60;
            case "hour" -> 3600;
            default -> 86400;
        };
        return LIMIT_SCALE * mult / count;
    }

    /** print_rate: the period back to the largest unit that keeps it exact enough. */
    static LimitMatch canonical(long period, int burst) {
        int i;
        for (i = 1; i < RATE_MULT.length; i++)
            if (period > RATE_MULT[i] || RATE_MULT[i] / period < RATE_MULT[i] % period) break;
        return new LimitMatch((int) (RATE_MULT[i - 1] / period), RATE_NAMES[i - 1], burst);
    }

    static final class Limit extends ExtParser {
        long period = LIMIT_SCALE * 3600L / 3;
        int burst = 5;

        Limit() {
            super("limit");
        }

        List<Opt> opts() {
            return List.of(new Opt("limit", 1, false), new Opt("limit-burst", 1, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            String s = a.get(0);
            if (o.name().equals("limit-burst")) {
                Long v = Numbers.parseUnsigned(s, 10000);
                if (v == null) throw XtError.usage("limit: bad value for option \"--limit-burst\", or out of range (0-10000).", w);
                burst = v.intValue() == 0 ? 5 : v.intValue();
                return;
            }
            int slash = s.indexOf('/');
            long mult = 1;
            if (slash >= 0) {
                String u = s.substring(slash + 1);
                if (u.isEmpty()) throw XtError.usage("bad rate \"" + s + "\"'", w);
                if ("second".regionMatches(true, 0, u, 0, u.length()) && u.length() <= 6) mult = 1;
                else if ("minute".regionMatches(true, 0, u, 0, u.length()) && u.length() <= 6) mult = 60;
                else if ("hour".regionMatches(true, 0, u, 0, u.length()) && u.length() <= 4) mult = 3600;
                else if ("day".regionMatches(true, 0, u, 0, u.length()) && u.length() <= 3) mult = 86400;
                else throw XtError.usage("bad rate \"" + s + "\"'", w);
            }
            // atoi(): leading digits, 0 when none
            int k = 0;
            while (k < s.length() && Character.isDigit(s.charAt(k)) && k < 9) k++;
            long r = k == 0 ? 0 : Long.parseLong(s.substring(0, k));
            if (r == 0) throw XtError.usage("bad rate \"" + s + "\"'", w);
            long p = LIMIT_SCALE * mult / r;
            if (p == 0) throw XtError.usage("Rate too fast \"" + s + "\"", w);
            period = p;
        }

        Object finish(ProtoMatch proto) {
            return canonical(period, burst);
        }
    }
}
