package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.FragmentMatch;
import io.fnlab.model.netfilter.match.IfaceMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.sim.skb.SkBuff;
import java.util.List;

/**
 * One entry of a compiled table, as struct ipt_entry is one entry of the kernel's table blob:
 * a user rule, or the tail of a chain (a built-in chain's policy, a user chain's implicit
 * RETURN). Entries of a table sit in one array; jumps are indices into it.
 */
final class XtRule {
    /** What the entry is. */
    static final int RULE = 0, POLICY = 1, USER_END = 2;
    /** Standard targets, then an xt_* target executed by XtTargets. */
    static final int T_NONE = 0, T_ACCEPT = 1, T_DROP = 2, T_RETURN = 3, T_JUMP = 4, T_GOTO = 5, T_EXT = 6;

    final int kind;
    final TableName table;
    final String chain;
    /** 1-based rule number in its chain (iptables -L --line-numbers); 0 for a tail. */
    final int number;
    /** The model rule (null for tails). */
    final Rule rule;
    /** ipt_ip: the basic fields, or null when the rule has none. */
    final IpMatch ip;
    /** The -m matches the walk tests, in order; -m comment (always true) is left out. */
    final XtMatch[] matches;
    /** For verbose traces: matches[i]'s 1-based place among the rule's -m matches, comments counted. */
    final int[] matchNumbers;
    final int target;
    /** For T_JUMP/T_GOTO: the name, then (once resolved) the entry index of the chain's first entry. */
    final String jumpChain;
    int jumpTo = -1;
    /** For T_EXT. */
    final XtTargets.Exec exec;
    /** The run of "-d ADDR/32" rules this entry belongs to, or null. */
    DstRun run;
    /** For POLICY: the verdict. */
    final NfVerdict policy;
    /** Rule text for traces, made on first use. */
    private String text;

    private XtRule(int kind, TableName table, String chain, int number, Rule rule, IpMatch ip, XtMatch[] matches,
                   int[] matchNumbers, int target, String jumpChain, XtTargets.Exec exec, NfVerdict policy) {
        this.kind = kind;
        this.table = table;
        this.chain = chain;
        this.number = number;
        this.rule = rule;
        this.ip = ip;
        this.matches = matches;
        this.matchNumbers = matchNumbers;
        this.target = target;
        this.jumpChain = jumpChain;
        this.exec = exec;
        this.policy = policy;
    }

    static XtRule rule(TableName table, String chain, int number, Rule rule, IpMatch ip, XtMatch[] matches,
                       int[] matchNumbers, int target, String jumpChain, XtTargets.Exec exec) {
        return new XtRule(RULE, table, chain, number, rule, ip, matches, matchNumbers, target, jumpChain, exec, null);
    }

    static XtRule policy(TableName table, String chain, NfVerdict v) {
        return new XtRule(POLICY, table, chain, 0, null, null, new XtMatch[0], new int[0], T_NONE, null, null, v);
    }

    static XtRule userEnd(TableName table, String chain) {
        return new XtRule(USER_END, table, chain, 0, null, null, new XtMatch[0], new int[0], T_RETURN, null, null, null);
    }

    Target modelTarget() {
        return rule == null ? null : rule.target();
    }

    String text() {
        if (text == null) text = RuleText.format(table, chain, number, rule);
        return text;
    }

    /**
     * struct ipt_ip and ip_packet_match (net/ipv4/netfilter/ip_tables.c): addresses under masks,
     * interfaces (a trailing '+' compares a prefix; no device compares as ""), protocol (0 =
     * any: then even "! -p all" matches, the kernel skips the test) and -f, each with its !.
     */
    static final class IpMatch {
        boolean hasSrc, hasDst, invSrc, invDst;
        int src, smsk, dst, dmsk;
        String in, out;
        boolean inWild, outWild, invIn, invOut;
        int proto;
        boolean invProto;
        /** 0: no -f; 1: -f; 2: ! -f. */
        int frag;

        /** The basic fields of a rule, or null when it has none. */
        static IpMatch of(List<Match> basics) {
            IpMatch m = new IpMatch();
            boolean any = false;
            for (Match x : basics) {
                if (x instanceof AddrMatch a) {
                    any = true;
                    int mask = a.prefix().mask();
                    if (a.dir() == AddrMatch.Direction.SRC) {
                        m.hasSrc = true;
                        m.smsk = mask;
                        m.src = a.prefix().address().bits() & mask;
                        m.invSrc = a.negated();
                    } else {
                        m.hasDst = true;
                        m.dmsk = mask;
                        m.dst = a.prefix().address().bits() & mask;
                        m.invDst = a.negated();
                    }
                } else if (x instanceof IfaceMatch i) {
                    any = true;
                    boolean wild = i.name().endsWith("+");
                    String n = wild ? i.name().substring(0, i.name().length() - 1) : i.name();
                    if (i.dir() == IfaceMatch.Direction.IN) {
                        m.in = n;
                        m.inWild = wild;
                        m.invIn = i.negated();
                    } else {
                        m.out = n;
                        m.outWild = wild;
                        m.invOut = i.negated();
                    }
                } else if (x instanceof ProtoMatch p) {
                    any = true;
                    m.proto = p.protocol().number();
                    m.invProto = p.negated();
                } else if (x instanceof FragmentMatch f) {
                    any = true;
                    m.frag = f.negated() ? 2 : 1;
                }
            }
            return any ? m : null;
        }

        private static boolean ifMatch(String dev, String name, boolean wild) {
            if (dev == null) dev = "";
            return wild ? dev.startsWith(name) : dev.equals(name);
        }

        boolean matches(SkBuff skb, HookState state) {
            if (hasSrc && ((skb.saddr & smsk) == src) == invSrc) return false;
            if (hasDst && ((skb.daddr & dmsk) == dst) == invDst) return false;
            if (in != null && ifMatch(state.in(), in, inWild) == invIn) return false;
            if (out != null && ifMatch(state.out(), out, outWild) == invOut) return false;
            if (proto != 0 && (skb.protocol == proto) == invProto) return false;
            if (frag == 1 && !skb.fragment) return false;
            if (frag == 2 && skb.fragment) return false;
            return true;
        }
    }
}
