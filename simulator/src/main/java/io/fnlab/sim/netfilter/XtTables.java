package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Counters;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Tracer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A host's iptables tables in runtime form, and the walk of one table at one hook
 * (net/ipv4/netfilter/ip_tables.c ipt_do_table). Built once from a model Ruleset; building
 * throws io.fnlab.model.parse.ParseError, naming the rule, for what the kernel would refuse to
 * load (jump to a missing chain, a chain loop, a target outside its table or hooks).
 *
 * <p>Walking allocates nothing when the tracer is off. Not thread-safe: one host, one thread.
 * The walk is re-entrant (REJECT may send a packet through OUTPUT while INPUT is walked).
 */
public final class XtTables {
    private final Ruleset model;
    private final XtTable[] tables = new XtTable[TableName.values().length];
    private final int stackSize;
    private int[][] stacks = new int[4][];
    private int depth;
    private boolean verbose;

    private XtTables(Ruleset rs, Predicate<String> setExists) {
        this.model = rs;
        int max = 1;
        for (TableName t : TableName.values()) {
            tables[t.ordinal()] = new XtTable(rs.tableOrEmpty(t), setExists);
            max = Math.max(max, tables[t.ordinal()].chains.size() + 1);
        }
        stackSize = max;
    }

    /** Compiles and checks a ruleset as iptables-restore + translate_table would. */
    public static XtTables build(Ruleset rs) {
        return new XtTables(rs, null);
    }

    /**
     * As {@link #build(Ruleset)}, and also refuses a rule whose -m set names a set that does not
     * exist, as xt_set's checkentry does when the rule is inserted ("Set X doesn't exist.").
     */
    public static XtTables build(Ruleset rs, Predicate<String> setExists) {
        return new XtTables(rs, setExists);
    }

    /**
     * Verbose traces: also report every rule that did not match, with the first match that
     * failed (a Step.Note), when the tracer is on. Off by default to keep traces readable.
     */
    public XtTables verbose(boolean on) {
        verbose = on;
        return this;
    }

    /** The ruleset this was built from (counters as loaded). */
    public Ruleset model() {
        return model;
    }

    /**
     * ipt_do_table: walk the built-in chain of {@code hook} in {@code table}. Rules in order; all
     * matches must match; a jump pushes a return point, a goto does not; RETURN (or the end of a
     * user chain) pops, and with nothing to pop applies the built-in chain's policy; xt_*
     * targets returning XT_CONTINUE go on with the next rule; anything else ends the table.
     */
    public NfVerdict walk(TableName table, Hook hook, SkBuff skb, HookState state, XtContext ctx) {
        XtTable tab = tables[table.ordinal()];
        int pos = tab.hookEntry[hook.ordinal()];
        if (pos < 0) throw new IllegalArgumentException("table " + table.label() + " has no " + hook + " chain");
        if (depth == stacks.length) stacks = java.util.Arrays.copyOf(stacks, depth * 2);
        int[] stack = stacks[depth];
        if (stack == null) stack = stacks[depth] = new int[stackSize];
        depth++;
        try {
            return run(tab, hook, pos, stack, skb, state, ctx, verbose && ctx.tracer().on());
        } finally {
            depth--;
        }
    }

    private static NfVerdict run(XtTable tab, Hook hook, int pos, int[] stack, SkBuff skb, HookState state,
                                 XtContext ctx, boolean verbose) {
        final XtRule[] es = tab.entries;
        final long[] pk = tab.packets, by = tab.bytes;
        final Tracer tracer = ctx.tracer();
        final boolean tracing = tracer.on();
        final long len = skbLen(skb);
        int sp = 0;
        for (;;) {
            XtRule e = es[pos];
            DstRun run = e.run;
            if (run != null && !verbose) {
                int next = run.next(skb.daddr, pos);
                if (next != pos) {
                    pos = next;
                    continue;
                }
            }
            if (e.ip != null && !e.ip.matches(skb, state)) {
                if (verbose) noMatch(e, ctx, "the basic fields (-s -d -i -o -p -f)");
                pos++;
                continue;
            }
            XtMatch[] ms = e.matches;
            int i = 0;
            while (i < ms.length && ms[i].matches(skb, state, ctx)) i++;
            if (i < ms.length) {
                if (verbose) noMatch(e, ctx, "match #" + e.matchNumbers[i] + " of its -m matches");
                pos++;
                continue;
            }
            pk[pos]++;
            by[pos] += len;
            switch (e.kind) {
                case XtRule.POLICY:
                    if (tracing) tracer.step(new Step.PolicyApplied(tab.name.label(), e.chain, e.policy.name()));
                    return e.policy;
                case XtRule.USER_END:
                    if (sp == 0) pos = tab.underflow[hook.ordinal()];
                    else pos = stack[--sp] + 1;
                    continue;
                default:
                    break;
            }
            switch (e.target) {
                case XtRule.T_NONE:
                    if (tracing) XtTargets.matched(e, ctx, "no target: counted only");
                    pos++;
                    break;
                case XtRule.T_ACCEPT:
                    if (tracing) XtTargets.matched(e, ctx, "ACCEPT");
                    return NfVerdict.ACCEPT;
                case XtRule.T_DROP:
                    if (tracing) XtTargets.matched(e, ctx, "DROP");
                    return NfVerdict.DROP;
                case XtRule.T_RETURN:
                    if (tracing) XtTargets.matched(e, ctx, sp == 0 ? "RETURN (to the policy)" : "RETURN");
                    if (sp == 0) pos = tab.underflow[hook.ordinal()];
                    else pos = stack[--sp] + 1;
                    break;
                case XtRule.T_JUMP:
                    if (tracing) XtTargets.matched(e, ctx, "jump " + e.jumpChain);
                    stack[sp++] = pos;
                    pos = e.jumpTo;
                    break;
                case XtRule.T_GOTO:
                    if (tracing) XtTargets.matched(e, ctx, "goto " + e.jumpChain);
                    pos = e.jumpTo;
                    break;
                default: {
                    NfVerdict v = e.exec.run(e, skb, state, ctx, tracing);
                    if (v != null) return v;
                    pos++;
                }
            }
        }
    }

    private static void noMatch(XtRule e, XtContext ctx, String failed) {
        ctx.tracer().step(new Step.Note(e.table.label() + " " + e.chain + " rule " + e.number + " did not match: "
                + failed + " failed; " + e.text()));
    }

    /** skb->len as the counters add it: IP header, the L4 header fnlab models, payload. */
    static long skbLen(SkBuff skb) {
        int l4 = switch (skb.protocol) {
            case 6 -> 20;
            case 17, 1 -> 8;
            case 4 -> skb.inner == null ? 0 : (int) skbLen(skb.inner);
            default -> 0;
        };
        return 20L + l4 + skb.payload.length;
    }

    /** Counters of rule {@code number} (1-based) of a chain, or of its policy when number is 0. */
    public Counters counters(TableName table, String chain, int number) {
        XtTable t = tables[table.ordinal()];
        Integer ci = t.chainIndex.get(chain);
        if (ci == null) throw new IllegalArgumentException("no chain " + chain + " in table " + table.label());
        int n = t.chains.get(ci).rules().size();
        if (number < 0 || number > n)
            throw new IllegalArgumentException("chain " + chain + " has " + n + " rules, not " + number);
        int e = t.chainStart[ci] + (number == 0 ? n : number - 1);
        return new Counters(t.packets[e], t.bytes[e]);
    }

    /** The ruleset with the current counters (what iptables-save -c would print). */
    public Ruleset snapshot() {
        Map<TableName, Table> out = new EnumMap<>(TableName.class);
        for (TableName tn : model.tables().keySet()) {
            XtTable t = tables[tn.ordinal()];
            List<Chain> cs = new ArrayList<>();
            for (Chain c : model.tables().get(tn).chains()) {
                int start = t.chainStart[t.chainIndex.get(c.name())];
                List<Rule> rs = new ArrayList<>();
                for (int i = 0; i < c.rules().size(); i++)
                    rs.add(c.rules().get(i).withCounters(new Counters(t.packets[start + i], t.bytes[start + i])));
                int tail = start + c.rules().size();
                Counters cc = c.isBuiltin() ? new Counters(t.packets[tail], t.bytes[tail]) : c.counters();
                cs.add(new Chain(c.name(), c.policy(), cc, rs));
            }
            out.put(tn, new Table(tn, cs));
        }
        return new Ruleset(out);
    }

    /** iptables -Z: every counter to zero. */
    public void zeroCounters() {
        for (XtTable t : tables) {
            java.util.Arrays.fill(t.packets, 0);
            java.util.Arrays.fill(t.bytes, 0);
        }
    }
}
