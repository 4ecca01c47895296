package io.fnlab.sim.netfilter;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.PortSpec;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.targets.Goto;
import io.fnlab.model.netfilter.targets.Jump;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.sim.skb.SkBuff;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Small builders for rulesets in tests. */
final class Nf {
    private Nf() {}

    static int line = 1;

    static Rule rule(Target t, Match... ms) {
        return new Rule(List.of(ms), t, null, SourceRef.of("test.rules", line++));
    }

    static Chain builtin(String name, Chain.Policy p, Rule... rs) {
        return new Chain(name, p, null, List.of(rs));
    }

    static Chain user(String name, Rule... rs) {
        return new Chain(name, null, null, List.of(rs));
    }

    static Table table(TableName t, Chain... cs) {
        return new Table(t, List.of(cs));
    }

    static Ruleset ruleset(Table... ts) {
        java.util.EnumMap<TableName, Table> m = new java.util.EnumMap<>(TableName.class);
        for (Table t : ts) m.put(t.name(), t);
        return new Ruleset(m);
    }

    static Jump jump(String c) {
        return new Jump(c);
    }

    static Goto go(String c) {
        return new Goto(c);
    }

    static Mark setMark(long v) {
        return new Mark(v, 0xffffffffL, "--set-mark");
    }

    static Mark orMark(long v) {
        return new Mark(v, v, "--or-mark");
    }

    static Mark xorMark(long v) {
        return new Mark(v, 0, "--xor-mark");
    }

    static AddrMatch src(String p) {
        return new AddrMatch(AddrMatch.Direction.SRC, Prefix.parse(p), false);
    }

    static AddrMatch dst(String p) {
        return new AddrMatch(AddrMatch.Direction.DST, Prefix.parse(p), false);
    }

    static AddrMatch notSrc(String p) {
        return new AddrMatch(AddrMatch.Direction.SRC, Prefix.parse(p), true);
    }

    static ProtoMatch proto(String p) {
        return new ProtoMatch(Protocol.parse(p), false);
    }

    static PortSpec port(int p) {
        return new PortSpec(PortRange.single(p), false);
    }

    static SkBuff tcp(String s, int sp, String d, int dp) {
        return SkBuff.tcp(Ipv4.parse(s), sp, Ipv4.parse(d), dp, 0x02);
    }

    static SkBuff udp(String s, int sp, String d, int dp) {
        return SkBuff.udp(Ipv4.parse(s), sp, Ipv4.parse(d), dp);
    }

    static HookState st(Hook h, String in, String out) {
        return new HookState(h, in, out);
    }
}
