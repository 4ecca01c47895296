package io.fnlab.model.format.iptables;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Counters;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.*;
import io.fnlab.model.netfilter.targets.*;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random rulesets in canonical form (what iptables keeps and iptables-save prints), covering
 * every match and target record, and valid for a real kernel: targets only in tables and hooks
 * that allow them, tcp/udp/icmp matches only after their -p, jumps only forward through user
 * chains (no loops). Sets used by -m set are S1 (hash:ip) and S2 (hash:ip,port).
 */
final class RulesetGen {
    final Random r;
    /** The lab kernel has no IPVS, so rulesets meant for it leave -m ipvs out. */
    final boolean withIpvs;

    RulesetGen(long seed, boolean withIpvs) {
        this.r = new Random(seed);
        this.withIpvs = withIpvs;
    }

    static Ruleset generate(long seed, int maxRulesPerChain, boolean withIpvs) {
        return new RulesetGen(seed, withIpvs).ruleset(maxRulesPerChain);
    }

    Ruleset ruleset(int maxRules) {
        Map<TableName, Table> m = new EnumMap<>(TableName.class);
        for (TableName t : TableName.values()) {
            if (r.nextInt(5) == 0) continue;
            int nUser = r.nextInt(4);
            List<String> users = new ArrayList<>();
            Set<String> names = new HashSet<>();
            while (users.size() < nUser) {
                String n = chainName();
                if (names.add(n)) users.add(n);
            }
            List<Chain> chains = new ArrayList<>();
            for (String b : t.builtinChains())
                chains.add(new Chain(b, r.nextInt(4) == 0 && t != TableName.NAT ? Chain.Policy.DROP : Chain.Policy.ACCEPT,
                        counters(), rules(t, b, users, -1, maxRules)));
            for (int k = 0; k < users.size(); k++)
                // user chains have no counters in the kernel: iptables-save always prints [0:0] for them
                chains.add(new Chain(users.get(k), null, Counters.ZERO, rules(t, null, users, k, maxRules)));
            m.put(t, new Table(t, chains));
        }
        return new Ruleset(m);
    }

    String chainName() {
        String[] base = {"KUBE-SERVICES", "KUBE-MARK-MASQ", "KUBE-POSTROUTING", "LVS", "a", "B_2", "x-y", "Z9", "lower", "KUBE-SVC-ABCDEF"};
        String s = base[r.nextInt(base.length)];
        return r.nextBoolean() ? s : s + r.nextInt(100);
    }

    Counters counters() {
        return r.nextInt(3) == 0 ? Counters.ZERO : new Counters(r.nextInt(1_000_000), r.nextLong() & 0xffffffffffL);
    }

    List<Rule> rules(TableName t, String builtin, List<String> users, int self, int max) {
        List<Rule> l = new ArrayList<>();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) l.add(rule(t, builtin, users, self));
        return l;
    }

    <T> T pick(List<T> l) {
        return l.get(r.nextInt(l.size()));
    }

    Rule rule(TableName t, String builtin, List<String> users, int self) {
        List<Match> ms = new ArrayList<>();
        if (r.nextInt(3) == 0) ms.add(new AddrMatch(AddrMatch.Direction.SRC, prefix().network(), r.nextInt(4) == 0));
        if (r.nextInt(3) == 0) ms.add(new AddrMatch(AddrMatch.Direction.DST, prefix().network(), r.nextInt(4) == 0));
        boolean inOk = builtin == null || !(builtin.equals("OUTPUT") || builtin.equals("POSTROUTING"));
        boolean outOk = builtin == null || !(builtin.equals("INPUT") || builtin.equals("PREROUTING"));
        // a user chain can be reached from any hook: -i/-o there only when no hook forbids it
        if (builtin == null) inOk = outOk = false;
        if (inOk && r.nextInt(4) == 0) ms.add(new IfaceMatch(IfaceMatch.Direction.IN, iface(), r.nextInt(4) == 0));
        if (outOk && r.nextInt(4) == 0) ms.add(new IfaceMatch(IfaceMatch.Direction.OUT, iface(), r.nextInt(4) == 0));
        Protocol proto = null;
        boolean protoNeg = false;
        if (r.nextInt(2) == 0) {
            proto = pick(List.of(Protocol.TCP, Protocol.TCP, Protocol.UDP, Protocol.ICMP, Protocol.GRE, Protocol.SCTP, new Protocol(50)));
            protoNeg = r.nextInt(6) == 0;
            ms.add(new ProtoMatch(proto, protoNeg));
        }
        if (r.nextInt(8) == 0) ms.add(new FragmentMatch(r.nextBoolean()));
        int nMods = r.nextInt(4);
        boolean l4 = false;
        for (int k = 0; k < nMods; k++) {
            Match m = module(proto, protoNeg, builtin);
            // iptables-nft turns tcp/udp/icmp matches into payload expressions and merges
            // several of one rule back into one when it saves: keep one per rule
            boolean isL4 = m instanceof TcpMatch || m instanceof UdpMatch || m instanceof IcmpMatch;
            if (m != null && !(isL4 && l4)) ms.add(m);
            l4 |= isL4;
        }
        Target tg = r.nextInt(6) == 0 ? null : target(t, builtin, users, self, proto, protoNeg);
        return new Rule(ms, tg, counters(), SourceRef.UNKNOWN);
    }

    Prefix prefix() {
        return new Prefix(new Ipv4(r.nextInt()), 1 + r.nextInt(32));
    }

    String iface() {
        return pick(List.of("eth0", "eth1", "veth+", "lo", "br-123", "ens3", "dummy0", "ipvs0", "wg+"));
    }

    PortRange range() {
        int a = r.nextInt(65536), b = r.nextInt(65536);
        if (r.nextBoolean()) return PortRange.single(a);
        PortRange p = new PortRange(Math.min(a, b), Math.max(a, b));
        return p.equals(PortRange.ALL) ? PortRange.single(a) : p;
    }

    PortSpec portSpec() {
        return r.nextInt(3) == 0 ? null : new PortSpec(range(), r.nextInt(4) == 0);
    }

    long u32() {
        return switch (r.nextInt(4)) {
            case 0 -> 0xffffffffL;
            case 1 -> 1L << r.nextInt(32);
            case 2 -> 0;
            default -> r.nextLong() & 0xffffffffL;
        };
    }

    Match module(Protocol proto, boolean protoNeg, String builtin) {
        boolean tcp = proto != null && !protoNeg && proto.number() == 6;
        boolean udp = proto != null && !protoNeg && proto.number() == 17;
        boolean icmp = proto != null && !protoNeg && proto.number() == 1;
        switch (r.nextInt(18)) {
            case 0:
                if (tcp) {
                    TcpMatch.TcpFlags f = r.nextBoolean() ? null
                            : new TcpMatch.TcpFlags(1 + r.nextInt(63), r.nextInt(64), r.nextInt(4) == 0);
                    Integer opt = r.nextInt(3) == 0 ? 1 + r.nextInt(255) : null;
                    return new TcpMatch(portSpec(), portSpec(), f, opt, opt != null && r.nextBoolean());
                }
                if (udp) return new UdpMatch(portSpec(), portSpec());
                if (icmp) {
                    int type = r.nextInt(5) == 0 ? 255 : r.nextInt(255);
                    int code = r.nextInt(256);
                    boolean any = type == 255 || r.nextBoolean();
                    return new IcmpMatch(type, any ? 0 : code, any ? 255 : code, r.nextInt(4) == 0);
                }
                return null;
            case 1:
                if (!tcp && !udp) return null;
                List<PortRange> ports = new ArrayList<>();
                int slots = 0;
                int want = 1 + r.nextInt(8);
                while (ports.size() < want) {
                    PortRange p = range();
                    if (slots + (p.isSingle() ? 1 : 2) > 15) break;
                    slots += p.isSingle() ? 1 : 2;
                    ports.add(p);
                }
                return new MultiportMatch(pick(List.of(MultiportMatch.Kind.values())), ports, r.nextInt(4) == 0);
            case 2:
                return new MarkMatch(u32(), u32(), r.nextInt(4) == 0);
            case 3:
                return new ConnmarkMatch(u32(), u32(), r.nextInt(4) == 0);
            case 4:
                return conntrack();
            case 5:
                return new StateMatch(states(false), r.nextInt(4) == 0);
            case 6: {
                List<Boolean> flags = new ArrayList<>();
                int d = 1 + r.nextInt(r.nextInt(6) == 0 ? 6 : 2);
                for (int k = 0; k < d; k++) flags.add(r.nextBoolean());
                return new SetMatch(r.nextBoolean() ? "S1" : "S2", flags, r.nextInt(4) == 0, r.nextInt(4) == 0);
            }
            case 7:
                return withIpvs ? ipvs() : null;
            case 8:
                return new CommentMatch(comment());
            case 9: {
                Set<AddrtypeMatch.AddrType> s = types(), d = types();
                if (s.isEmpty() && d.isEmpty()) d = EnumSet.of(AddrtypeMatch.AddrType.LOCAL);
                boolean in = false, out = false;
                if (builtin != null && r.nextInt(3) == 0) {
                    if (List.of("PREROUTING", "INPUT", "FORWARD").contains(builtin)) in = true;
                    else out = true;
                }
                return new AddrtypeMatch(s, !s.isEmpty() && r.nextInt(3) == 0, d, !d.isEmpty() && r.nextInt(3) == 0, in, out);
            }
            case 10:
                if (r.nextBoolean()) {
                    long u = switch (r.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> 1L << 31;
                        default -> r.nextLong() & 0x7fffffffL;
                    };
                    return new StatisticMatch(StatisticMatch.Mode.RANDOM, u, 0, 0, r.nextInt(4) == 0);
                } else {
                    int every = 1 + r.nextInt(r.nextBoolean() ? 10 : 1_000_000);
                    return new StatisticMatch(StatisticMatch.Mode.NTH, 0, every, r.nextInt(every), r.nextInt(4) == 0);
                }
            case 11: {
                boolean s = r.nextBoolean(), d = !s || r.nextBoolean();
                Ipv4 a = new Ipv4(r.nextInt()), b = a.plus(r.nextInt(1000)), c = new Ipv4(r.nextInt()), e = c.plus(r.nextInt(70000));
                if (b.compareTo(a) < 0) b = a;
                if (e.compareTo(c) < 0) e = c;
                return new IprangeMatch(s ? a : null, s ? b : null, s && r.nextBoolean(), d ? c : null, d ? e : null, d && r.nextBoolean());
            }
            case 12: {
                String in = r.nextBoolean() ? iface() : null;
                Boolean isIn = r.nextBoolean() ? null : r.nextBoolean();
                Boolean isBridged = r.nextBoolean() ? null : r.nextBoolean();
                String out = null;
                Boolean isOut = null;
                // xt_physdev refuses --physdev-out/--physdev-is-out in output hooks unless bridged
                if (Boolean.TRUE.equals(isBridged) && r.nextBoolean()) {
                    out = iface();
                    isOut = r.nextBoolean() ? null : r.nextBoolean();
                }
                if (in == null && isIn == null && isBridged == null && out == null) isBridged = true;
                return new PhysdevMatch(in, in != null && r.nextBoolean(), out, out != null && r.nextBoolean(), isIn, isOut, isBridged);
            }
            case 13: {
                String unit = pick(List.of("sec", "min", "hour", "day"));
                int max = switch (unit) {
                    case "sec" -> 10000;
                    case "min" -> 600000;
                    default -> 1_000_000;
                };
                int count = 1 + r.nextInt(r.nextBoolean() ? 100 : max);
                LimitMatch l = MatchParsers.canonical(MatchParsers.period(count, unit), r.nextBoolean() ? 5 : 1 + r.nextInt(10000));
                return l;
            }
            default:
                return null;
        }
    }

    Set<CtState> states(boolean natStates) {
        Set<CtState> s = EnumSet.noneOf(CtState.class);
        for (CtState c : CtState.values())
            if (r.nextInt(3) == 0 && (natStates || (c != CtState.SNAT && c != CtState.DNAT))) s.add(c);
        if (s.isEmpty()) s.add(CtState.NEW);
        return s;
    }

    Set<AddrtypeMatch.AddrType> types() {
        Set<AddrtypeMatch.AddrType> s = EnumSet.noneOf(AddrtypeMatch.AddrType.class);
        if (r.nextBoolean()) return s;
        for (AddrtypeMatch.AddrType t : AddrtypeMatch.AddrType.values()) if (r.nextInt(4) == 0) s.add(t);
        if (s.isEmpty()) s.add(AddrtypeMatch.AddrType.LOCAL);
        return s;
    }

    ConntrackMatch conntrack() {
        List<ConntrackMatch.Criterion> c = new ArrayList<>();
        if (r.nextBoolean()) c.add(new ConntrackMatch.State(states(true), r.nextInt(4) == 0));
        if (r.nextInt(3) == 0) c.add(new ConntrackMatch.Proto(pick(List.of(Protocol.TCP, Protocol.UDP, Protocol.ICMP, Protocol.SCTP)), r.nextInt(4) == 0));
        for (ConntrackMatch.Field f : ConntrackMatch.Field.values())
            if (r.nextInt(5) == 0) c.add(new ConntrackMatch.Addr(f, prefix(), r.nextInt(4) == 0));
        for (ConntrackMatch.Field f : ConntrackMatch.Field.values())
            if (r.nextInt(5) == 0) c.add(new ConntrackMatch.Port(f, range(), r.nextInt(4) == 0));
        if (r.nextInt(4) == 0) {
            Set<String> st = new HashSet<>();
            for (String s : MatchParsers.STATUS_ORDER) if (r.nextBoolean()) st.add(s);
            c.add(new ConntrackMatch.Status(st, r.nextInt(4) == 0));
        }
        if (r.nextInt(4) == 0) {
            long a = r.nextInt(100000), b = a + (r.nextBoolean() ? 0 : r.nextInt(100000));
            c.add(new ConntrackMatch.Expire(a, b, r.nextInt(4) == 0));
        }
        if (r.nextInt(4) == 0) c.add(new ConntrackMatch.Dir(r.nextBoolean()));
        if (c.isEmpty()) c.add(new ConntrackMatch.State(Set.of(CtState.ESTABLISHED, CtState.RELATED), false));
        return new ConntrackMatch(c);
    }

    IpvsMatch ipvs() {
        if (r.nextInt(3) == 0) return new IpvsMatch(List.of(new IpvsMatch.Property(r.nextBoolean())));
        List<IpvsMatch.Criterion> c = new ArrayList<>();
        if (r.nextBoolean()) c.add(new IpvsMatch.VProto(pick(List.of(Protocol.TCP, Protocol.UDP)), r.nextInt(4) == 0));
        if (r.nextBoolean()) c.add(new IpvsMatch.VAddr(prefix(), r.nextInt(4) == 0));
        if (r.nextBoolean()) c.add(new IpvsMatch.VPort(r.nextInt(65536), r.nextInt(4) == 0));
        if (r.nextBoolean()) c.add(new IpvsMatch.VDir(r.nextBoolean()));
        if (r.nextBoolean()) c.add(new IpvsMatch.VMethod(pick(List.of("GATE", "IPIP", "MASQ")), r.nextInt(4) == 0));
        if (r.nextBoolean()) c.add(new IpvsMatch.VPortCtl(r.nextInt(65536), r.nextInt(4) == 0));
        if (c.isEmpty()) c.add(new IpvsMatch.VDir(false));
        return new IpvsMatch(c);
    }

    String text(int maxLen) {
        String alphabet = "abcXYZ019_-";
        String wild = " .:/\"\\'!@#$%^&*()[]{}|;,<>?=+~`\t";
        int n = r.nextInt(maxLen + 1);
        StringBuilder b = new StringBuilder();
        boolean plain = r.nextBoolean();
        for (int k = 0; k < n; k++) {
            if (!plain && r.nextInt(4) == 0) b.append(wild.charAt(r.nextInt(wild.length())));
            else b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    String comment() {
        return text(r.nextInt(10) == 0 ? 255 : 30);
    }

    Target target(TableName t, String builtin, List<String> users, int self, Protocol proto, boolean protoNeg) {
        boolean portProto = proto != null && !protoNeg && (proto.number() == 6 || proto.number() == 17 || proto.number() == 132);
        List<Target> c = new ArrayList<>();
        c.add(Verdict.ACCEPT);
        c.add(Verdict.RETURN);
        if (t != TableName.NAT) c.add(Verdict.DROP);
        for (int k = self + 1; k < users.size(); k++) {
            c.add(new Jump(users.get(k)));
            c.add(new Goto(users.get(k)));
        }
        c.add(new Mark(u32(), u32(), "set-xmark"));
        long m = u32();
        c.add(new Connmark(Connmark.Mode.SET, u32(), m, 0xffffffffL, m));
        c.add(new Connmark(r.nextBoolean() ? Connmark.Mode.SAVE : Connmark.Mode.RESTORE, 0, 0, u32(), u32()));
        String prefix = text(29);
        String level = r.nextBoolean() ? null : pick(List.of("0", "1", "2", "3", "5", "6", "7"));
        c.add(new Log(prefix.isEmpty() ? null : prefix, level, r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r.nextBoolean()));
        // TRACE: nft takes it in any table, iptables-legacy only in raw
        if (t == TableName.RAW) c.add(new TraceTarget());
        boolean filterHook = builtin != null && List.of("INPUT", "FORWARD", "OUTPUT").contains(builtin);
        if (filterHook && t == TableName.FILTER) {
            String with = pick(List.of("icmp-net-unreachable", "icmp-host-unreachable", "icmp-proto-unreachable",
                    "icmp-port-unreachable", "icmp-net-prohibited", "icmp-host-prohibited", "icmp-admin-prohibited", "tcp-reset"));
            if (with.equals("tcp-reset") && !(proto != null && !protoNeg && proto.number() == 6)) with = Reject.DEFAULT;
            c.add(new Reject(with));
        }
        if (t == TableName.RAW) {
            c.add(new Notrack());
            c.add(new Ct(true, null, null));
            c.add(new Ct(false, null, null));
        }
        if (t == TableName.NAT && builtin != null) {
            PortRange ports = portProto && r.nextBoolean() ? range() : null;
            Ipv4 a = new Ipv4(r.nextInt());
            Ipv4 b = r.nextBoolean() ? a : a.plus(r.nextInt(100));
            NatRange nr = new NatRange(r.nextInt(8) == 0 && ports != null ? null : a, r.nextInt(8) == 0 && ports != null ? null : b, ports);
            if (nr.minAddr() == null || nr.maxAddr() == null) nr = new NatRange(null, null, ports);
            switch (builtin) {
                case "PREROUTING", "OUTPUT" -> {
                    c.add(new Dnat(nr, r.nextBoolean(), r.nextBoolean()));
                    c.add(new Redirect(ports, r.nextBoolean()));
                }
                case "POSTROUTING" -> {
                    c.add(new Masquerade(ports, r.nextBoolean(), r.nextBoolean()));
                    c.add(new Snat(nr.minAddr() == null ? new NatRange(a, b, ports) : nr, r.nextBoolean(), r.nextBoolean(), r.nextBoolean()));
                }
                default -> c.add(new Snat(nr.minAddr() == null ? new NatRange(a, b, ports) : nr, r.nextBoolean(), r.nextBoolean(), r.nextBoolean()));
            }
            // NAT targets are what nat chains are for: weigh them up
            Target nat = c.get(c.size() - 1);
            c.add(nat);
            c.add(nat);
        }
        return pick(c);
    }

    /** The same ruleset with every rule's source reset: what a round trip is compared on. */
    static Ruleset normalised(Ruleset rs) {
        Map<TableName, Table> m = new EnumMap<>(TableName.class);
        rs.tables().forEach((n, t) -> {
            List<Chain> cs = new ArrayList<>();
            for (Chain c : IptablesSave.chainOrder(t))
                cs.add(new Chain(c.name(), c.policy(), c.counters(), c.rules().stream().map(x -> x.withSource(SourceRef.UNKNOWN)).toList()));
            m.put(n, new Table(n, cs));
        });
        return new Ruleset(m);
    }

    static Ruleset withoutRuleCounters(Ruleset rs) {
        Map<TableName, Table> m = new EnumMap<>(TableName.class);
        rs.tables().forEach((n, t) -> m.put(n, new Table(n, t.chains().stream().map(c -> new Chain(c.name(), c.policy(),
                c.counters(), c.rules().stream().map(x -> x.withCounters(Counters.ZERO)).toList())).toList())));
        return new Ruleset(m);
    }
}
