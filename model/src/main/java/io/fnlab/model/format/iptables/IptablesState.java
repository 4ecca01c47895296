package io.fnlab.model.format.iptables;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Counters;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.AddrtypeMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.ProtoMatch;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kernel's iptables state as commands change it: the loaded tables, each with its built-in
 * chains and user chains. Every change is checked the way nf_tables checks a transaction (hook
 * masks of targets and matches through jumps, loops, references) and refused as a whole with
 * the error iptables-nft prints; the state is then unchanged.
 */
public final class IptablesState {
    static final class ChainState {
        final String name;
        Chain.Policy policy;
        Counters counters = Counters.ZERO;
        final List<Rule> rules = new ArrayList<>();

        ChainState(String name, Chain.Policy policy) {
            this.name = name;
            this.policy = policy;
        }

        ChainState copy() {
            ChainState c = new ChainState(name, policy);
            c.counters = counters;
            c.rules.addAll(rules);
            return c;
        }
    }

    static final class TableState {
        final TableName name;
        final Map<String, ChainState> builtins = new java.util.LinkedHashMap<>();
        /** User chains sorted by strcmp, the order iptables-save prints them in. */
        final TreeMap<String, ChainState> users = new TreeMap<>();
        /** The hooks each chain is reached from, while known to be current (null: recompute). */
        Map<String, Set<Hook>> hooks;

        TableState(TableName name) {
            this.name = name;
            for (String c : name.builtinChains()) builtins.put(c, new ChainState(c, Chain.Policy.ACCEPT));
        }

        ChainState chain(String n) {
            ChainState c = builtins.get(n);
            return c != null ? c : users.get(n);
        }

        TableState copy() {
            TableState t = new TableState(name);
            builtins.forEach((k, v) -> t.builtins.put(k, v.copy()));
            users.forEach((k, v) -> t.users.put(k, v.copy()));
            return t;
        }

        List<ChainState> all() {
            List<ChainState> l = new ArrayList<>(builtins.values());
            l.addAll(users.values());
            return l;
        }
    }

    final EnumMap<TableName, TableState> tables = new EnumMap<>(TableName.class);
    /** iptables-restore: the kernel checks a table once, when its transaction commits. */
    boolean deferChecks;

    public IptablesState() {}

    /** The state a kernel has after restoring this ruleset (chain and rule counters included). */
    public static IptablesState from(Ruleset r) {
        IptablesState s = new IptablesState();
        for (Table t : r.tables().values()) {
            TableState ts = s.load(t.name());
            for (Chain c : t.chains()) {
                ChainState cs;
                if (t.name().isBuiltin(c.name())) {
                    cs = ts.builtins.get(c.name());
                    cs.policy = c.policy() == null ? Chain.Policy.ACCEPT : c.policy();
                } else {
                    cs = new ChainState(c.name(), null);
                    ts.users.put(c.name(), cs);
                }
                cs.counters = c.counters();
                cs.rules.addAll(c.rules());
            }
        }
        return s;
    }

    /** Loaded tables only, built-in chains in kernel order, then user chains as iptables-save sorts them. */
    public Ruleset toRuleset() {
        Map<TableName, Table> m = new EnumMap<>(TableName.class);
        tables.forEach((n, ts) -> {
            List<Chain> cs = new ArrayList<>();
            for (ChainState c : ts.all()) cs.add(new Chain(c.name, c.policy, c.counters, c.rules));
            m.put(n, new Table(n, cs));
        });
        return new Ruleset(m);
    }

    public IptablesState copy() {
        IptablesState s = new IptablesState();
        tables.forEach((k, v) -> s.tables.put(k, v.copy()));
        return s;
    }

    public boolean isLoaded(TableName t) {
        return tables.containsKey(t);
    }

    /** Loads a table as its module does on first use: built-in chains, policy ACCEPT, no rules. */
    TableState load(TableName t) {
        return tables.computeIfAbsent(t, TableState::new);
    }

    /** Flushes a table as iptables-nft-restore does without --noflush: the table as freshly loaded. */
    void reset(TableName t) {
        tables.put(t, new TableState(t));
    }

    void replace(TableName t, TableState ts) {
        tables.put(t, ts);
    }

    // ------------------------------------------------------------------------------ operations

    static final String NO_CHAIN = "No chain/target/match by that name.";

    ChainState existing(TableState ts, String chain) {
        ChainState c = ts.chain(chain);
        if (c == null) throw XtError.kernel(NO_CHAIN);
        return c;
    }

    /** Name checks of iptables' -N (xshared.c) before the kernel is asked. */
    static void checkNewName(String name, int word) {
        if (name.length() > 28)
            throw XtError.usage("chain name `" + name + "' too long (must be under 29 chars)", word);
        if (name.startsWith("-")) throw XtError.usage("chain name not allowed to start with `-'", word);
        if (name.startsWith("!")) throw XtError.usage("chain name not allowed to start with `!'", word);
        if (Extensions.TARGETS.contains(name)) throw XtError.usage("chain name may not clash with target name", word);
        for (char c : name.toCharArray())
            if (Character.isWhitespace(c)) throw XtError.usage("Invalid chain name `" + name + "'", word);
    }

    void newChain(TableName t, String name) {
        TableState ts = load(t);
        if (ts.chain(name) != null) throw XtError.kernel("Chain already exists.");
        ts.users.put(name, new ChainState(name, null));
    }

    /** -X CHAIN, or every user chain when chain is null (one nf_tables transaction). */
    void deleteChain(TableName t, String chain) {
        TableState ts = load(t);
        List<ChainState> victims = new ArrayList<>();
        if (chain == null) victims.addAll(ts.users.values());
        else {
            ChainState c = ts.users.get(chain);
            if (c == null) throw XtError.kernel(NO_CHAIN);
            victims.add(c);
        }
        Set<String> gone = new HashSet<>();
        victims.forEach(v -> gone.add(v.name));
        for (ChainState v : victims) {
            boolean busy = !v.rules.isEmpty();
            for (ChainState o : ts.all())
                if (!gone.contains(o.name) || chain != null)
                    for (Rule r : o.rules) if (v.name.equals(jumpTarget(r.target()))) busy = true;
            if (busy) throw XtError.usage("CHAIN_DEL failed (Device or resource busy): chain " + v.name, -1);
        }
        victims.forEach(v -> ts.users.remove(v.name));
        ts.hooks = null;
    }

    void flush(TableName t, String chain) {
        TableState ts = load(t);
        if (chain == null) ts.all().forEach(c -> c.rules.clear());
        else existing(ts, chain).rules.clear();
        ts.hooks = null;
    }

    void zero(TableName t, String chain) {
        TableState ts = load(t);
        List<ChainState> cs = chain == null ? ts.all() : List.of(existing(ts, chain));
        for (ChainState c : cs) {
            c.counters = Counters.ZERO;
            c.rules.replaceAll(r -> r.withCounters(Counters.ZERO));
        }
    }

    void policy(TableName t, String chain, String policy) {
        TableState ts = load(t);
        ChainState c = ts.builtins.get(chain);
        if (c == null) throw XtError.kernel("Bad built-in chain name.");
        if (!policy.equals("ACCEPT") && !policy.equals("DROP"))
            throw XtError.kernel("Bad policy name. Run `dmesg' for more information.");
        c.policy = Chain.Policy.valueOf(policy);
    }

    void rename(TableName t, String from, String to) {
        TableState ts = load(t);
        // iptables-nft renames even a built-in chain (leaving a table iptables can no longer list);
        // fnlab refuses it as iptables-legacy does, since no real configuration wants that state
        ChainState c = ts.users.get(from);
        if (c == null) throw XtError.kernel(NO_CHAIN);
        if (ts.chain(to) != null) throw XtError.kernel("File exists.");
        ChainState n = new ChainState(to, null);
        n.counters = c.counters;
        n.rules.addAll(c.rules);
        ts.users.remove(from);
        ts.users.put(to, n);
        ts.hooks = null;
        for (ChainState o : ts.all())
            o.rules.replaceAll(r -> {
                if (r.target() instanceof Jump j && j.chain().equals(from)) return new Rule(r.matches(), new Jump(to), r.counters(), r.source());
                if (r.target() instanceof Goto g && g.chain().equals(from)) return new Rule(r.matches(), new Goto(to), r.counters(), r.source());
                return r;
            });
    }

    /** -A / -I (position 1-based) of one or more rules, checked as the kernel checks them. */
    void insert(TableName t, String chain, int pos, List<Rule> rules, String op) {
        TableState ts = load(t);
        ChainState c = existing(ts, chain);
        if (pos < 0) pos = c.rules.size() + 1;
        if (pos > c.rules.size() + 1) throw XtError.kernel("Index of insertion too big.");
        c.rules.addAll(pos - 1, rules);
        if (deferChecks) {
            ts.hooks = null;
            return;
        }
        try {
            checkInsert(ts, c, rules, op, chain);
        } catch (XtError e) {
            c.rules.subList(pos - 1, pos - 1 + rules.size()).clear();
            ts.hooks = null;
            throw e;
        }
    }

    /**
     * The checks of {@link #validate} for rules added to a table that was valid before, done
     * incrementally: only the new rules, and the chains a new jump makes reachable from more
     * hooks, are looked at (a kube-proxy script adds thousands of rules one command at a time).
     */
    private void checkInsert(TableState ts, ChainState c, List<Rule> rules, String op, String chain) {
        if (ts.hooks == null) {
            validate(ts, op, chain);
            return;
        }
        Set<Hook> hc = ts.hooks.getOrDefault(c.name, Set.of());
        for (Rule r : rules) {
            String j = jumpTarget(r.target());
            if (j != null && ts.builtins.containsKey(j)) throw refused(op, chain, c, r, "Operation not supported");
            if (j != null && !ts.users.containsKey(j)) throw refused(op, chain, c, r, "No such file or directory");
            if (!allowed(ts.name, r, hc)) throw refused(op, chain, c, r, "Invalid argument");
        }
        if (hc.isEmpty()) return; // not reachable from a hook: nothing else can change
        for (Rule r : rules) {
            String j = jumpTarget(r.target());
            if (j == null) continue;
            // a loop now reachable from a hook runs through this jump, or was among unreachable chains
            if (reaches(ts, j, c.name, new HashSet<>()) || !reach(ts, j, Hook.PREROUTING, new HashMap<>(), new HashMap<>()))
                throw refused(op, chain, c, r, "Too many links");
            java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(j));
            while (!todo.isEmpty()) {
                String n = todo.pop();
                Set<Hook> hs = ts.hooks.computeIfAbsent(n, k -> EnumSet.noneOf(Hook.class));
                if (hs.containsAll(hc)) continue;
                hs.addAll(hc);
                for (Rule x : ts.chain(n).rules) {
                    if (!allowed(ts.name, x, hs)) throw refused(op, chain, ts.chain(n), x, "Invalid argument");
                    String k = jumpTarget(x.target());
                    if (k != null && ts.users.containsKey(k)) todo.push(k);
                }
            }
        }
    }

    private static boolean reaches(TableState ts, String from, String to, Set<String> seen) {
        if (from.equals(to)) return true;
        if (!seen.add(from)) return false;
        ChainState c = ts.chain(from);
        if (c != null)
            for (Rule r : c.rules) {
                String j = jumpTarget(r.target());
                if (j != null && reaches(ts, j, to, seen)) return true;
            }
        return false;
    }

    void replaceRule(TableName t, String chain, int pos, Rule rule) {
        TableState ts = load(t);
        ChainState c = existing(ts, chain);
        if (pos > c.rules.size()) throw XtError.kernel("Index of replacement too big.");
        Rule old = c.rules.set(pos - 1, rule);
        ts.hooks = null;
        if (deferChecks) return;
        try {
            validate(ts, "RULE_REPLACE", chain);
        } catch (XtError e) {
            c.rules.set(pos - 1, old);
            throw e;
        }
    }

    void deleteNumber(TableName t, String chain, int pos) {
        ChainState c = existing(load(t), chain);
        if (pos > c.rules.size()) throw XtError.kernel("Index of deletion too big.");
        c.rules.remove(pos - 1);
        load(t).hooks = null;
    }

    /** -D by spec: the first rule that is the same rule (matches and target, not counters). */
    void deleteSpec(TableName t, String chain, Rule rule) {
        int i = find(t, chain, rule);
        load(t).chain(chain).rules.remove(i);
        load(t).hooks = null;
    }

    int find(TableName t, String chain, Rule rule) {
        ChainState c = load(t).chain(chain);
        if (c != null)
            for (int i = 0; i < c.rules.size(); i++) if (c.rules.get(i).sameSpec(rule)) return i;
        // iptables-nft says this also when the chain is missing; legacy says "No chain/target/match by that name."
        throw XtError.kernel("Bad rule (does a matching rule exist in that chain?).");
    }

    // ------------------------------------------------------------------------------ kernel checks

    static String jumpTarget(Target t) {
        if (t instanceof Jump j) return j.chain();
        if (t instanceof Goto g) return g.chain();
        return null;
    }

    /**
     * What nf_tables checks when a transaction commits: jumps to existing user chains only, no
     * loop reachable from a base chain (nft_chain_validate), and each target's and match's table
     * and hook mask for every hook that reaches the rule (xt_check_target / xt_check_match).
     */
    void validate(TableState ts, String op, String chain) {
        for (ChainState c : ts.all())
            for (Rule r : c.rules) {
                String j = jumpTarget(r.target());
                if (j == null) continue;
                if (ts.builtins.containsKey(j)) throw refused(op, chain, c, r, "Operation not supported");
                if (!ts.users.containsKey(j)) throw refused(op, chain, c, r, "No such file or directory");
            }
        Map<String, Set<Hook>> hooks = new HashMap<>();
        for (ChainState b : ts.builtins.values()) {
            Hook h = Hook.valueOf(b.name);
            if (!reach(ts, b.name, h, hooks, new HashMap<>())) throw refused(op, chain, b, null, "Too many links");
        }
        for (ChainState c : ts.all()) {
            Set<Hook> hs = hooks.getOrDefault(c.name, Set.of());
            for (Rule r : c.rules)
                if (!allowed(ts.name, r, hs)) throw refused(op, chain, c, r, "Invalid argument");
        }
        ts.hooks = hooks;
    }

    /** A whole table as its commit checks it (iptables-restore); op names the failing rule's chain. */
    void validateTable(TableName t) {
        TableState ts = tables.get(t);
        if (ts != null) validate(ts, "RULE_APPEND", null);
    }

    private static XtError refused(String op, String chain, ChainState where, Rule r, String errno) {
        XtError e = XtError.usage(op + " failed (" + errno + "): rule in chain " + (chain != null ? chain : where.name), -1);
        e.rule = r;
        return e;
    }

    /** Marks the hooks each chain is reached from (depth-first, per hook); false on a loop. */
    private static boolean reach(TableState ts, String chain, Hook h, Map<String, Set<Hook>> hooks,
                                 Map<String, Integer> colour) {
        Integer c = colour.get(chain);
        if (c != null) return c == 2;
        colour.put(chain, 1);
        hooks.computeIfAbsent(chain, k -> EnumSet.noneOf(Hook.class)).add(h);
        ChainState cs = ts.chain(chain);
        if (cs != null)
            for (Rule r : cs.rules) {
                String j = jumpTarget(r.target());
                if (j != null && ts.users.containsKey(j) && !reach(ts, j, h, hooks, colour)) return false;
            }
        colour.put(chain, 2);
        return true;
    }

    static boolean allowed(TableName t, Rule r, Set<Hook> hs) {
        for (Match m : r.matches()) {
            // nft refuses "! -s 0.0.0.0/0" (an expression that can never match); legacy stores it
            if (m instanceof AddrMatch a && a.negated() && a.prefix().length() == 0) return false;
            if (m instanceof AddrtypeMatch a) {
                if (a.limitIfaceIn() && !in(hs, Hook.PREROUTING, Hook.INPUT, Hook.FORWARD)) return false;
                if (a.limitIfaceOut() && !in(hs, Hook.POSTROUTING, Hook.OUTPUT, Hook.FORWARD)) return false;
            }
        }
        Target g = r.target();
        if (g instanceof Dnat) return t == TableName.NAT && in(hs, Hook.PREROUTING, Hook.OUTPUT);
        if (g instanceof Redirect) return t == TableName.NAT && in(hs, Hook.PREROUTING, Hook.OUTPUT);
        if (g instanceof Snat) return t == TableName.NAT && in(hs, Hook.POSTROUTING, Hook.INPUT);
        if (g instanceof Masquerade) return t == TableName.NAT && in(hs, Hook.POSTROUTING);
        if (g instanceof Notrack || g instanceof Ct) return t == TableName.RAW;
        if (g instanceof Reject rj) {
            // ipt_REJECT is registered for the filter table only
            if (t != TableName.FILTER) return false;
            if (!in(hs, Hook.INPUT, Hook.FORWARD, Hook.OUTPUT)) return false;
            if ("tcp-reset".equals(rj.with())) {
                // reject_tg_check: tcp-reset needs -p tcp without !
                boolean tcp = false;
                for (Match m : r.matches())
                    if (m instanceof ProtoMatch p && p.protocol().number() == 6 && !p.negated()) tcp = true;
                return tcp;
            }
        }
        return true;
    }

    private static boolean in(Set<Hook> hs, Hook... ok) {
        Set<Hook> allowed = EnumSet.noneOf(Hook.class);
        for (Hook h : ok) allowed.add(h);
        return allowed.containsAll(hs);
    }
}
