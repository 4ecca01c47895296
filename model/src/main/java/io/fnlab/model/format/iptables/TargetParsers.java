package io.fnlab.model.format.iptables;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.targets.Connmark;
import io.fnlab.model.netfilter.targets.Ct;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Log;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.NatRange;
import io.fnlab.model.netfilter.targets.Notrack;
import io.fnlab.model.netfilter.targets.Redirect;
import io.fnlab.model.netfilter.targets.Reject;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.netfilter.targets.TraceTarget;
import java.util.List;
import java.util.Map;

/** The target extensions fnlab models, each reading its options as libxt_NAME.c does. */
final class TargetParsers {
    private TargetParsers() {}

    static ExtParser create(String name) {
        return switch (name) {
            case "REJECT" -> new RejectP();
            case "MARK" -> new MarkP();
            case "CONNMARK" -> new ConnmarkP();
            case "DNAT" -> new NatP("DNAT", "to-destination");
            case "SNAT" -> new NatP("SNAT", "to-source");
            case "MASQUERADE" -> new PortsP("MASQUERADE");
            case "REDIRECT" -> new PortsP("REDIRECT");
            case "LOG" -> new LogP();
            case "NOTRACK" -> new Plain("NOTRACK", new Notrack());
            case "TRACE" -> new Plain("TRACE", new TraceTarget());
            case "CT" -> new CtP();
            default -> null;
        };
    }

    static final class Plain extends ExtParser {
        final Object t;

        Plain(String n, Object t) {
            super(n);
            this.t = t;
        }

        List<Opt> opts() {
            return List.of();
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {}

        Object finish(ProtoMatch proto) {
            return t;
        }
    }

    // ---------------------------------------------------------------- REJECT (libipt_REJECT.c)

    /** reject_table: name, alias; arguments match either as a case-insensitive prefix, first wins. */
    static final String[][] REJECT = {{"icmp-net-unreachable", "net-unreach"}, {"icmp-host-unreachable", "host-unreach"},
            {"icmp-proto-unreachable", "proto-unreach"}, {"icmp-port-unreachable", "port-unreach"},
            {"icmp-net-prohibited", "net-prohib"}, {"icmp-host-prohibited", "host-prohib"}, {"tcp-reset", "tcp-rst"},
            {"icmp-admin-prohibited", "admin-prohib"}};

    static final class RejectP extends ExtParser {
        String with = Reject.DEFAULT;

        RejectP() {
            super("REJECT");
        }

        List<Opt> opts() {
            return List.of(new Opt("reject-with", 1, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            String s = a.get(0);
            for (String[] r : REJECT) {
                if (prefix(r[0], s) || prefix(r[1], s)) {
                    with = r[0];
                    return;
                }
            }
            throw XtError.usage("unknown reject type \"" + s + "\"", w);
        }

        static boolean prefix(String full, String s) {
            return s.length() <= full.length() && full.regionMatches(true, 0, s, 0, s.length());
        }

        Object finish(ProtoMatch proto) {
            return new Reject(with);
        }
    }

    // ---------------------------------------------------------------- MARK (libxt_MARK.c, revision 2)

    static final class MarkP extends ExtParser {
        long value, mask;
        String written;

        MarkP() {
            super("MARK");
        }

        List<Opt> opts() {
            return List.of(new Opt("set-xmark", 1, false), new Opt("set-mark", 1, false), new Opt("and-mark", 1, false),
                    new Opt("or-mark", 1, false), new Opt("xor-mark", 1, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            for (Opt other : options())
                if (!other.name().equals(o.name()) && seen.contains(other.name()))
                    throw XtError.usage("MARK: option \"--" + other.name() + "\" cannot be used together with \"--" + o.name() + "\".", w);
            generic(o, inv, w);
            written = o.name();
            switch (o.name()) {
                case "set-xmark" -> {
                    long[] vm = markMask(ext, o.name(), a.get(0), w);
                    value = vm[0];
                    mask = vm[1];
                }
                case "set-mark" -> {
                    long[] vm = markMask(ext, o.name(), a.get(0), w);
                    value = vm[0];
                    mask = vm[0] | vm[1];
                }
                case "and-mark" -> {
                    value = 0;
                    mask = ~u32(ext, o.name(), a.get(0), w) & 0xffffffffL;
                }
                case "or-mark" -> value = mask = u32(ext, o.name(), a.get(0), w);
                default -> {
                    value = u32(ext, o.name(), a.get(0), w);
                    mask = 0;
                }
            }
        }

        Object finish(ProtoMatch proto) {
            if (written == null)
                throw XtError.usage("MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required", word);
            return new Mark(value, mask, written);
        }
    }

    // ---------------------------------------------------------------- CONNMARK (libxt_CONNMARK.c, revision 1)

    static final class ConnmarkP extends ExtParser {
        Connmark.Mode mode;
        long ctmark, ctmask = 0xffffffffL, nfmask = 0xffffffffL;

        ConnmarkP() {
            super("CONNMARK");
        }

        List<Opt> opts() {
            return List.of(new Opt("set-xmark", 1, false), new Opt("set-mark", 1, false), new Opt("and-mark", 1, false),
                    new Opt("or-mark", 1, false), new Opt("xor-mark", 1, false), new Opt("save-mark", 0, false),
                    new Opt("restore-mark", 0, false), new Opt("mask", 1, false), new Opt("nfmask", 1, false),
                    new Opt("ctmask", 1, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            int idx = index(o);
            if (idx < 7) {
                for (Opt other : options().subList(0, 7))
                    if (!other.name().equals(o.name()) && seen.contains(other.name()))
                        throw XtError.usage("CONNMARK: option \"--" + other.name() + "\" cannot be used together with \"--" + o.name() + "\".", w);
            }
            if (o.name().equals("nfmask") || o.name().equals("ctmask")) conflict(o, "mask", w);
            if (o.name().equals("mask")) {
                conflict(o, "nfmask", w);
                conflict(o, "ctmask", w);
            }
            generic(o, inv, w);
            switch (o.name()) {
                case "set-xmark", "set-mark" -> {
                    long[] vm = markMask(ext, o.name(), a.get(0), w);
                    mode = Connmark.Mode.SET;
                    ctmark = vm[0];
                    ctmask = o.name().equals("set-mark") ? vm[0] | vm[1] : vm[1];
                }
                case "and-mark" -> {
                    mode = Connmark.Mode.SET;
                    ctmark = 0;
                    ctmask = ~u32(ext, o.name(), a.get(0), w) & 0xffffffffL;
                }
                case "or-mark" -> {
                    mode = Connmark.Mode.SET;
                    ctmark = ctmask = u32(ext, o.name(), a.get(0), w);
                }
                case "xor-mark" -> {
                    mode = Connmark.Mode.SET;
                    ctmark = u32(ext, o.name(), a.get(0), w);
                    ctmask = 0;
                }
                case "save-mark" -> mode = Connmark.Mode.SAVE;
                case "restore-mark" -> mode = Connmark.Mode.RESTORE;
                case "mask" -> nfmask = ctmask = u32(ext, o.name(), a.get(0), w);
                case "nfmask" -> nfmask = u32(ext, o.name(), a.get(0), w);
                default -> ctmask = u32(ext, o.name(), a.get(0), w);
            }
        }

        Object finish(ProtoMatch proto) {
            if (mode == null) throw XtError.usage("CONNMARK target: No operation specified", word);
            // SET prints only ctmark/ctmask; nfmask does nothing there, so it is kept at its default
            if (mode == Connmark.Mode.SET) return new Connmark(mode, ctmark, ctmask, 0xffffffffL, ctmask);
            return new Connmark(mode, 0, 0, nfmask, ctmask);
        }
    }

    // ---------------------------------------------------------------- SNAT / DNAT (libxt_NAT.c)

    static boolean portProto(ProtoMatch p) {
        if (p == null || p.negated()) return false;
        int n = p.protocol().number();
        return n == 6 || n == 17 || n == 132 || n == 33 || n == 136;
    }

    static final class NatP extends ExtParser {
        final String to;
        NatRange range;
        boolean random, randomFully, persistent;

        NatP(String name, String to) {
            super(name);
            this.to = to;
        }

        List<Opt> opts() {
            return ext.equals("SNAT")
                    ? List.of(new Opt(to, 1, false), new Opt("random", 0, false), new Opt("random-fully", 0, false),
                            new Opt("persistent", 0, false))
                    : List.of(new Opt(to, 1, false), new Opt("random", 0, false), new Opt("persistent", 0, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            switch (o.name()) {
                case "random" -> random = true;
                case "random-fully" -> randomFully = true;
                case "persistent" -> persistent = true;
                default -> range = natRange(a.get(0), w);
            }
        }

        static NatRange natRange(String s, int w) {
            int colon = s.indexOf(':');
            String addr = colon < 0 ? s : s.substring(0, colon);
            PortRange ports = null;
            if (colon >= 0) {
                String p = s.substring(colon + 1);
                if (p.indexOf(':') >= 0) throw XtError.usage("Bad IP address \"" + s + "\"", w);
                ports = natPorts(p, s, w);
            }
            Ipv4 min = null, max = null;
            if (!addr.isEmpty()) {
                int dash = addr.indexOf('-');
                String a = dash < 0 ? addr : addr.substring(0, dash);
                String b = dash < 0 ? addr : addr.substring(dash + 1);
                if (!Ipv4.isValid(a)) throw XtError.usage("Bad IP address \"" + a + "\"", w);
                if (!Ipv4.isValid(b)) throw XtError.usage("Bad IP address \"" + b + "\"", w);
                min = Ipv4.parse(a);
                max = Ipv4.parse(b);
            }
            if (min == null && ports == null) throw XtError.usage("Bad IP address \"" + s + "\"", w);
            return new NatRange(min, max, ports);
        }

        static PortRange natPorts(String p, String all, int w) {
            int dash = p.indexOf('-');
            int lo = Addrs.port(dash < 0 ? p : p.substring(0, dash));
            if (lo < 0 || !p.substring(0, dash < 0 ? p.length() : dash).chars().allMatch(Character::isDigit))
                throw XtError.usage("Port `" + p + "' not valid", w);
            if (dash < 0) return PortRange.single(lo);
            String hs = p.substring(dash + 1);
            int hi = Addrs.port(hs);
            if (hi < 0 || !hs.chars().allMatch(Character::isDigit)) throw XtError.usage("Port `" + hs + "' not valid", w);
            if (hi < lo) throw XtError.usage("Port range `" + hs + "' funky", w);
            return new PortRange(lo, hi);
        }

        Object finish(ProtoMatch proto) {
            if (range == null) throw XtError.usage(ext + ": option \"--" + to + "\" must be specified", word);
            if (range.ports() != null && !portProto(proto))
                throw XtError.usage("Need TCP, UDP, SCTP or DCCP with port specification", word);
            return ext.equals("DNAT") ? new Dnat(range, random, persistent) : new Snat(range, random, randomFully, persistent);
        }
    }

    // ---------------------------------------------------------------- MASQUERADE / REDIRECT (libxt_MASQUERADE.c, libxt_REDIRECT.c)

    static final class PortsP extends ExtParser {
        PortRange ports;
        boolean random, randomFully;

        PortsP(String name) {
            super(name);
        }

        List<Opt> opts() {
            return ext.equals("MASQUERADE")
                    ? List.of(new Opt("to-ports", 1, false), new Opt("random", 0, false), new Opt("random-fully", 0, false))
                    : List.of(new Opt("to-ports", 1, false), new Opt("random", 0, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            switch (o.name()) {
                case "random" -> random = true;
                case "random-fully" -> randomFully = true;
                default -> ports = NatP.natPorts(a.get(0), a.get(0), w);
            }
        }

        Object finish(ProtoMatch proto) {
            if (ports != null && !portProto(proto))
                throw XtError.usage("Need TCP, UDP, SCTP or DCCP with port specification", word);
            return ext.equals("MASQUERADE") ? new Masquerade(ports, random, randomFully) : new Redirect(ports, random);
        }
    }

    // ---------------------------------------------------------------- LOG (libxt_LOG.c)

    static final Map<String, Integer> LEVELS = Map.of("alert", 1, "crit", 2, "debug", 7, "emerg", 0, "error", 3,
            "info", 6, "notice", 5, "panic", 0, "warning", 4);

    static final class LogP extends ExtParser {
        String prefix, level;
        boolean seq, opts, ipopts, uid;

        LogP() {
            super("LOG");
        }

        List<Opt> opts() {
            return List.of(new Opt("log-level", 1, false), new Opt("log-prefix", 1, false),
                    new Opt("log-tcp-sequence", 0, false), new Opt("log-tcp-options", 0, false),
                    new Opt("log-ip-options", 0, false), new Opt("log-uid", 0, false), new Opt("log-macdecode", 0, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            switch (o.name()) {
                case "log-level" -> {
                    String s = a.get(0);
                    Long n = Numbers.parseUnsigned(s, 7);
                    Integer l = n != null ? Integer.valueOf(n.intValue()) : LEVELS.get(s);
                    if (l == null) throw XtError.usage("log level \"" + s + "\" unknown", w);
                    level = l == 4 ? null : Integer.toString(l);
                }
                case "log-prefix" -> {
                    String s = a.get(0);
                    if (s.isEmpty()) throw XtError.usage("Argument must have a minimum length of 1 characters", w);
                    // the nf_tables log expression keeps 29 bytes of it, as iptables-nft prints back
                    prefix = Utf8.truncate(s, 29);
                }
                case "log-tcp-sequence" -> seq = true;
                case "log-tcp-options" -> opts = true;
                case "log-ip-options" -> ipopts = true;
                case "log-uid" -> uid = true;
                default -> throw XtError.notModelled("option '--log-macdecode' of target 'LOG' is not modelled by fnlab", w);
            }
        }

        Object finish(ProtoMatch proto) {
            return new Log(prefix, level, seq, opts, ipopts, uid);
        }
    }

    // ---------------------------------------------------------------- CT (libxt_CT.c)

    static final class CtP extends ExtParser {
        boolean notrack;

        CtP() {
            super("CT");
        }

        List<Opt> opts() {
            return List.of(new Opt("notrack", 0, false), new Opt("ctevents", 1, false), new Opt("expevents", 1, false),
                    new Opt("helper", 1, false), new Opt("zone", 1, false), new Opt("zone-orig", 1, false),
                    new Opt("zone-reply", 1, false), new Opt("timeout", 1, false));
        }

        void parse(Opt o, boolean inv, List<String> a, int w) {
            generic(o, inv, w);
            if (!o.name().equals("notrack"))
                throw XtError.notModelled("option '--" + o.name() + "' of target 'CT' is not modelled by fnlab", w);
            notrack = true;
        }

        Object finish(ProtoMatch proto) {
            return new Ct(notrack, null, null);
        }
    }
}
