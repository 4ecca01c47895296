package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.IcmpMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.MultiportMatch;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.SetMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.match.UdpMatch;
import io.fnlab.model.netfilter.targets.Ct;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Goto;
import io.fnlab.model.netfilter.targets.Jump;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.Notrack;
import io.fnlab.model.netfilter.targets.Redirect;
import io.fnlab.model.netfilter.targets.Reject;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.netfilter.targets.TraceTarget;
import io.fnlab.model.netfilter.targets.Verdict;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One table compiled as ip_tables.c translate_table lays it out: every chain's rules followed by
 * its tail entry, in one array; per hook the entry of its built-in chain and its underflow (the
 * policy entry). Loading checks what the kernel checks: jump targets exist, no chain loop
 * (mark_source_chains), targets used only from the hooks and table they allow
 * (xt_check_target), tcp/udp/icmp/multiport only with their -p (xt_check_match).
 */
final class XtTable {
    final TableName name;
    final XtRule[] entries;
    final long[] packets;
    final long[] bytes;
    /** By Hook ordinal: entry index of the built-in chain, or -1 when the table has no such hook. */
    final int[] hookEntry = new int[Hook.values().length];
    final int[] underflow = new int[Hook.values().length];
    final List<Chain> chains;
    final int[] chainStart;
    final Map<String, Integer> chainIndex = new HashMap<>();
    /** Null when sets are not checked at load time. */
    private final Predicate<String> setExists;

    XtTable(Table model, Predicate<String> setExists) {
        this.setExists = setExists;
        this.name = model.name();
        List<Chain> cs = new ArrayList<>();
        // Built-in chains the model left out exist in the kernel all the same (policy ACCEPT).
        for (String b : name.builtinChains()) {
            if (model.chain(b).isEmpty()) cs.add(new Chain(b, Chain.Policy.ACCEPT, null, List.of()));
        }
        cs.addAll(model.chains());
        chains = List.copyOf(cs);
        chainStart = new int[chains.size()];
        for (int i = 0; i < chains.size(); i++) {
            Chain c = chains.get(i);
            if (chainIndex.put(c.name(), i) != null)
                throw new ParseError(firstSource(c), "chain '" + c.name() + "' is defined twice in table " + name.label());
        }
        List<XtRule> es = new ArrayList<>();
        for (int ci = 0; ci < chains.size(); ci++) {
            Chain c = chains.get(ci);
            boolean builtin = name.isBuiltin(c.name());
            chainStart[ci] = es.size();
            int n = 0;
            for (Rule r : c.rules()) es.add(compileRule(c.name(), ++n, r));
            if (builtin) {
                NfVerdict p = c.policy() == Chain.Policy.DROP ? NfVerdict.DROP : NfVerdict.ACCEPT;
                es.add(XtRule.policy(name, c.name(), p));
            } else {
                es.add(XtRule.userEnd(name, c.name()));
            }
        }
        entries = es.toArray(XtRule[]::new);
        for (int ci = 0; ci < chains.size(); ci++)
            DstRun.index(entries, chainStart[ci], chainStart[ci] + chains.get(ci).rules().size());
        packets = new long[entries.length];
        bytes = new long[entries.length];
        for (Hook h : Hook.values()) {
            hookEntry[h.ordinal()] = -1;
            underflow[h.ordinal()] = -1;
            if (!name.hooks().contains(h)) continue;
            int ci = chainIndex.get(h.name());
            hookEntry[h.ordinal()] = chainStart[ci];
            underflow[h.ordinal()] = chainStart[ci] + chains.get(ci).rules().size();
        }
        resolveJumps();
        int[] hookMask = markSourceChains();
        checkTargets(hookMask);
        // Kernel counters start at the values the model carries (iptables-restore -c).
        for (int ci = 0; ci < chains.size(); ci++) {
            Chain c = chains.get(ci);
            for (int i = 0; i < c.rules().size(); i++) {
                packets[chainStart[ci] + i] = c.rules().get(i).counters().packets();
                bytes[chainStart[ci] + i] = c.rules().get(i).counters().bytes();
            }
            int tail = chainStart[ci] + c.rules().size();
            packets[tail] = c.counters().packets();
            bytes[tail] = c.counters().bytes();
        }
    }

    private static SourceRef firstSource(Chain c) {
        return c.rules().isEmpty() ? SourceRef.UNKNOWN : c.rules().get(0).source();
    }

    private XtRule compileRule(String chain, int number, Rule r) {
        List<Match> basics = new ArrayList<>();
        List<XtMatch> ms = new ArrayList<>();
        // for verbose traces: each kept match's 1-based place among the rule's compiled matches
        List<Integer> numbers = new ArrayList<>();
        int compiled = 0;
        ProtoMatch proto = null;
        boolean seenAddrS = false, seenAddrD = false, seenIn = false, seenOut = false, seenFrag = false;
        for (Match m : r.matches()) {
            if (m.module() == null) {
                // The first of each basic field goes into ipt_ip; a repeated one is checked as an extra match.
                boolean first;
                if (m instanceof io.fnlab.model.netfilter.match.AddrMatch a) {
                    boolean src = a.dir() == io.fnlab.model.netfilter.match.AddrMatch.Direction.SRC;
                    first = src ? !seenAddrS : !seenAddrD;
                    if (src) seenAddrS = true; else seenAddrD = true;
                } else if (m instanceof io.fnlab.model.netfilter.match.IfaceMatch i) {
                    boolean in = i.dir() == io.fnlab.model.netfilter.match.IfaceMatch.Direction.IN;
                    first = in ? !seenIn : !seenOut;
                    if (in) seenIn = true; else seenOut = true;
                } else if (m instanceof ProtoMatch p) {
                    first = proto == null;
                    if (first) proto = p;
                } else {
                    first = !seenFrag;
                    seenFrag = true;
                }
                if (first) basics.add(m);
                else {
                    ms.add(XtMatches.compile(m, r.source()));
                    numbers.add(++compiled);
                }
            } else {
                checkProto(m, proto, r.source());
                if (m instanceof SetMatch sm && setExists != null && !setExists.test(sm.setName()))
                    throw new ParseError(r.source(), "Set " + sm.setName() + " doesn't exist.");
                XtMatch x = XtMatches.compile(m, r.source());
                // -m comment always matches: leave it out of the walk (every kube-proxy rule has one)
                compiled++;
                if (x != XtMatches.Always.INSTANCE) {
                    ms.add(x);
                    numbers.add(compiled);
                }
            }
        }
        XtRule.IpMatch ip = XtRule.IpMatch.of(basics);
        XtMatch[] arr = ms.toArray(XtMatch[]::new);
        int[] nums = numbers.stream().mapToInt(Integer::intValue).toArray();
        Target t = r.target();
        if (t instanceof Reject rj && "tcp-reset".equals(rj.with())
                && (proto == null || proto.negated() || proto.protocol().number() != 6))
            throw new ParseError(r.source(), "REJECT --reject-with tcp-reset is only valid with -p tcp");
        if (t == null) return XtRule.rule(name, chain, number, r, ip, arr, nums, XtRule.T_NONE, null, null);
        if (t instanceof Verdict v) {
            int k = switch (v.kind()) {
                case ACCEPT -> XtRule.T_ACCEPT;
                case DROP -> XtRule.T_DROP;
                case RETURN -> XtRule.T_RETURN;
            };
            return XtRule.rule(name, chain, number, r, ip, arr, nums, k, null, null);
        }
        if (t instanceof Jump j) return XtRule.rule(name, chain, number, r, ip, arr, nums, XtRule.T_JUMP, j.chain(), null);
        if (t instanceof Goto g) return XtRule.rule(name, chain, number, r, ip, arr, nums, XtRule.T_GOTO, g.chain(), null);
        return XtRule.rule(name, chain, number, r, ip, arr, nums, XtRule.T_EXT, null, XtTargets.compile(t));
    }

    /** xt_check_match: a match bound to a protocol needs that -p, not negated. */
    private static void checkProto(Match m, ProtoMatch p, SourceRef where) {
        int need;
        if (m instanceof TcpMatch) need = 6;
        else if (m instanceof UdpMatch) need = 17;
        else if (m instanceof IcmpMatch) need = 1;
        else if (m instanceof MultiportMatch) {
            int n = p == null ? 0 : p.protocol().number();
            if (p == null || p.negated() || !(n == 6 || n == 17 || n == 132 || n == 33 || n == 136))
                throw new ParseError(where, "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
            return;
        } else return;
        if (p == null || p.negated() || p.protocol().number() != need)
            throw new ParseError(where, m.module() + " match: only valid for protocol " + need + " (needs -p "
                    + m.module() + " without !)");
    }

    private void resolveJumps() {
        for (XtRule e : entries) {
            if (e.jumpChain == null) continue;
            Integer ci = chainIndex.get(e.jumpChain);
            if (ci == null)
                throw new ParseError(e.rule.source(), "table " + name.label() + " chain " + e.chain + " rule " + e.number
                        + ": " + (e.target == XtRule.T_GOTO ? "goto" : "jump") + " to chain '" + e.jumpChain
                        + "' which does not exist");
            e.jumpTo = chainStart[ci];
        }
    }

    private int chainOf(int entry) {
        int lo = 0, hi = chainStart.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (chainStart[mid] <= entry) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /**
     * ip_tables.c mark_source_chains: walk from every hook's built-in chain through jumps and
     * gotos; reaching a chain that is on the current path is a loop (the kernel answers ELOOP).
     * Returns, per chain, the mask of hooks it is reachable from (e->comefrom).
     */
    private int[] markSourceChains() {
        int n = chains.size();
        int[] mask = new int[n];
        for (Hook h : name.hooks()) {
            int root = chainIndex.get(h.name());
            int bit = 1 << h.ordinal();
            int[] state = new int[n]; // 0 unseen, 1 on the path, 2 done
            int[] stackChain = new int[n + 1];
            int[] stackPos = new int[n + 1];
            int sp = 0;
            stackChain[0] = root;
            stackPos[0] = chainStart[root];
            state[root] = 1;
            mask[root] |= bit;
            while (sp >= 0) {
                int c = stackChain[sp];
                int end = chainStart[c] + chains.get(c).rules().size();
                int pos = stackPos[sp];
                while (pos < end && entries[pos].jumpChain == null) pos++;
                if (pos >= end) {
                    state[c] = 2;
                    sp--;
                    continue;
                }
                stackPos[sp] = pos + 1;
                XtRule e = entries[pos];
                int t = chainOf(e.jumpTo);
                if (state[t] == 1) {
                    StringBuilder path = new StringBuilder();
                    for (int i = 0; i <= sp; i++) path.append(chains.get(stackChain[i]).name()).append(" -> ");
                    path.append(chains.get(t).name());
                    throw new ParseError(e.rule.source(), "table " + name.label() + ": chain loop " + path
                            + " (the kernel refuses the table with ELOOP, 'Too many levels of symbolic links')");
                }
                mask[t] |= bit;
                if (state[t] == 0) {
                    state[t] = 1;
                    sp++;
                    stackChain[sp] = t;
                    stackPos[sp] = chainStart[t];
                }
            }
        }
        return mask;
    }

    /** xt_check_target: the table and hooks each target is registered for. */
    private void checkTargets(int[] hookMask) {
        for (int ci = 0; ci < chains.size(); ci++) {
            int m = hookMask[ci];
            for (int i = 0; i < chains.get(ci).rules().size(); i++) {
                XtRule e = entries[chainStart[ci] + i];
                Target t = e.modelTarget();
                if (t == null) continue;
                String table = null;
                int allowed = -1;
                if (t instanceof Dnat || t instanceof Redirect) {
                    table = "nat";
                    allowed = bits(Hook.PREROUTING, Hook.OUTPUT);
                } else if (t instanceof Snat) {
                    table = "nat";
                    allowed = bits(Hook.POSTROUTING, Hook.INPUT);
                } else if (t instanceof Masquerade) {
                    table = "nat";
                    allowed = bits(Hook.POSTROUTING);
                } else if (t instanceof Reject) {
                    table = "filter"; // ipt_REJECT.c reject_tg_reg
                    allowed = bits(Hook.INPUT, Hook.FORWARD, Hook.OUTPUT);
                } else if (t instanceof Notrack || t instanceof Ct || t instanceof TraceTarget) {
                    table = "raw";
                }
                if (table != null && !table.equals(name.label()))
                    throw new ParseError(e.rule.source(), t.name() + " target: only valid in " + table + " table, not "
                            + name.label());
                if ((m & ~allowed) != 0)
                    throw new ParseError(e.rule.source(), t.name() + " target: used from hooks " + hookNames(m)
                            + ", but only usable from " + hookNames(allowed) + " (chain " + e.chain + " rule " + e.number + ")");
            }
        }
    }

    private static int bits(Hook... hs) {
        int b = 0;
        for (Hook h : hs) b |= 1 << h.ordinal();
        return b;
    }

    private static String hookNames(int mask) {
        StringBuilder b = new StringBuilder();
        for (Hook h : Hook.values()) {
            if ((mask & (1 << h.ordinal())) == 0) continue;
            if (b.length() > 0) b.append('/');
            b.append(h.name());
        }
        return b.toString();
    }
}
