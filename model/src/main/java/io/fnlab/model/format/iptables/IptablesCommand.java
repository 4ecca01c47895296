package io.fnlab.model.format.iptables;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.IfaceMatch;
import io.fnlab.model.netfilter.match.IprangeMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One iptables command line applied to a host's iptables state as iptables-nft 1.8.9 applies it
 * to the kernel. A failing command leaves the state unchanged and returns the Diagnostic whose
 * message is what iptables prints on stderr's first line, without its "iptables v1.8.9
 * (nf_tables): " or "iptables: " prefix (e.g. "Chain 'X' does not exist", "No
 * chain/target/match by that name."). Where iptables-legacy words it differently, a comment says so.
 *
 * <p>iptables-legacy v1.8.9 answers the same commands differently in these cases (captured in a
 * netns side by side with iptables-nft; fnlab models nft, which is what "iptables" is here):
 * <ul>
 *   <li>-j/-g to a missing chain: legacy "Couldn't load target `X':No such file or directory"
 *       (and "goto 'X' is not a chain" for -g); nft "Chain 'X' does not exist".</li>
 *   <li>-X of a referenced chain: legacy "iptables: Too many links."; of a non-empty one
 *       "iptables: Directory not empty."; nft "CHAIN_DEL failed (Device or resource busy): chain X".</li>
 *   <li>-X of a built-in chain: legacy "iptables: Invalid argument. Run `dmesg' for more information."</li>
 *   <li>-D by spec in a missing chain, -S/-L of a missing chain: legacy "No chain/target/match by that name."</li>
 *   <li>a rule the kernel refuses (hook, table, loop): legacy "iptables: Invalid argument. Run `dmesg'
 *       for more information." or "iptables: Too many levels of symbolic links."; nft
 *       "RULE_APPEND failed (Invalid argument): rule in chain X".</li>
 *   <li>unknown table: legacy "can't initialize iptables table `bogus': Table does not exist (do you
 *       need to insmod?)"; nft "table 'bogus' does not exist".</li>
 *   <li>"! -s 0.0.0.0/0": legacy accepts and saves it; nft refuses it.</li>
 *   <li>-E of a built-in chain: nft renames it (leaving a table iptables cannot list); legacy and
 *       fnlab say "No chain/target/match by that name."</li>
 *   <li>TRACE: legacy only in raw; nft in any table.</li>
 * </ul>
 * fnlab does not check that an ipset named by -m set exists ("Set X doesn't exist."), since a
 * scenario may define its sets in a file applied after the iptables script.
 */
public final class IptablesCommand implements ToolCommand {
    @Override
    public String tool() {
        return "iptables";
    }

    @Override
    public Optional<Diagnostic> apply(HostConfigBuilder host, List<String> argv, SourceRef where) {
        return apply(host.iptables, argv, where);
    }

    /** The same on a bare state: empty on success, the real tool's error otherwise. */
    public static Optional<Diagnostic> apply(IptablesState st, List<String> argv, SourceRef where) {
        Parsed p = new Parsed(argv, where, false);
        try {
            p.parse();
            p.execute(st);
            return p.warning == null ? Optional.empty()
                    : Optional.of(new Diagnostic(Diagnostic.Severity.WARNING, where, "iptables", p.warning));
        } catch (XtError e) {
            if (e.kind == XtError.Kind.NOT_MODELLED) throw new ParseError(p.rp.at(e.word), e.text);
            return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, p.rp.at(e.word), "iptables", e.text.strip()));
        }
    }

    /**
     * The stderr line real iptables-nft prints for a Diagnostic this class returned (the
     * "Try `iptables -h'" line that follows usage errors is left out).
     */
    public static String stderrLine(Diagnostic d) {
        String m = d.message();
        if (KERNEL_MESSAGES.contains(m)) return "iptables: " + m;
        if (m.startsWith("Bad argument `") || m.startsWith("xt_iprange: ")) return m;
        return "iptables v1.8.9 (nf_tables): " + (m.contains(" failed (") ? " " : "") + m;
    }

    /** The kernel's answers as iptables words them (errno via nft_strerror / iptc_strerror). */
    static final java.util.Set<String> KERNEL_MESSAGES = java.util.Set.of(IptablesState.NO_CHAIN,
            "Chain already exists.", "Index of insertion too big.", "Index of deletion too big.",
            "Index of replacement too big.", "Bad rule (does a matching rule exist in that chain?).",
            "Bad built-in chain name.", "Bad policy name. Run `dmesg' for more information.", "File exists.");

    /** One command line: what getopt and do_parse make of it, then what the kernel does. */
    static final class Parsed implements RuleParser.Commands {
        final List<String> argv;
        final SourceRef where;
        final boolean inRestore;
        final RuleParser rp;
        TableName table = TableName.FILTER;
        String tableName = "filter";
        char cmd;
        int cmdWord = -1;
        String chain, arg2;
        int ruleNum = -1;
        String ruleNumText;

        Parsed(List<String> argv, SourceRef where, boolean inRestore) {
            this.argv = argv;
            this.where = where;
            this.inRestore = inRestore;
            this.rp = new RuleParser(new ArrayList<>(argv), RuleParser.columns(argv, where.column()), where, this, null);
        }

        void parse() {
            rp.run();
            if (cmd == 0) throw XtError.usage("no command specified", -1);
        }

        @Override
        public void handle(char c, String shown, String inline, RuleParser p, int word) {
            switch (c) {
                case 't' -> {
                    if (inRestore) throw XtError.usage("The -t option cannot be used in iptables-restore.\n", word);
                    String t = inline != null ? inline : p.next(shown, word);
                    tableName = t;
                    table = null;
                    for (TableName n : TableName.values()) if (n.label().equals(t)) table = n;
                }
                case 'w', 'W' -> {
                    // the xtables lock: meaningless for fnlab, so -w [SECONDS] is accepted and ignored
                    if (inline == null && p.peek() != null && p.peek().matches("[0-9.]+")) p.i++;
                }
                case 'n', 'v', 'x', '0', '4', 'M', 'V', 'h' -> {
                    if (c == 'M') p.next(shown, word);
                    if (c == 'V' || c == 'h') command(c, word);
                }
                default -> {
                    command(c, word);
                    switch (c) {
                        case 'A', 'C', 'N', 'D', 'I', 'R', 'P', 'E' -> chain = inline != null ? inline : p.next(shown, word);
                        default -> chain = inline != null ? inline : optionalWord(p);
                    }
                    switch (c) {
                        case 'I', 'D', 'S', 'Z' -> {
                            String n = p.peek();
                            if (n != null && chain != null && !n.startsWith("-") && !n.startsWith("!")) {
                                p.i++;
                                ruleNumText = n;
                                ruleNum = ruleNumber(n, p.i - 1);
                            }
                        }
                        case 'R' -> {
                            String n = p.peek();
                            if (n == null || n.startsWith("-") || n.startsWith("!"))
                                throw XtError.usage("-R requires a rule number", word);
                            p.i++;
                            ruleNum = ruleNumber(n, p.i - 1);
                        }
                        case 'P', 'E' -> {
                            String n = p.peek();
                            if (n == null || n.startsWith("-") || n.startsWith("!"))
                                throw XtError.usage(c == 'P' ? "-P requires a chain and a policy" : "-E requires old-chain-name and new-chain-name", word);
                            p.i++;
                            arg2 = n;
                        }
                        default -> {}
                    }
                }
            }
        }

        private static String optionalWord(RuleParser p) {
            String n = p.peek();
            if (n != null && !n.startsWith("-") && !n.startsWith("!")) {
                p.i++;
                return n;
            }
            return null;
        }

        private static int ruleNumber(String s, int word) {
            Long v = s.chars().allMatch(Character::isDigit) ? Numbers.parseUnsigned(s.replaceFirst("^0+(?=.)", ""), Integer.MAX_VALUE) : null;
            if (v == null || v == 0) throw XtError.usage("Invalid rule number `" + s + "'", word);
            return v.intValue();
        }

        private void command(char c, int word) {
            if (cmd != 0) throw XtError.usage("Cannot use -" + c + " with -" + cmd, word);
            cmd = c;
            cmdWord = word;
        }

        boolean hasRuleOptions() {
            return rp.sawS || rp.sawD || rp.sawI || rp.sawO || rp.sawP || rp.sawF || rp.sawJ || !rp.matches.isEmpty();
        }

        /** What the kernel (and iptables' own checks after parsing) make of the command. */
        void execute(IptablesState st) {
            if (table == null) throw XtError.usage("table '" + tableName + "' does not exist", -1);
            boolean needsRule = cmd == 'A' || cmd == 'I' || cmd == 'C' || cmd == 'R' || (cmd == 'D' && ruleNum < 0);
            if (!needsRule && hasRuleOptions()) {
                String opt = rp.sawS ? "-s" : rp.sawD ? "-d" : rp.sawP ? "-p" : rp.sawJ ? "-j" : rp.sawI ? "-i" : rp.sawO ? "-o" : rp.sawF ? "-f" : "-m";
                throw XtError.usage("Illegal option `" + opt + "' with this command", -1);
            }
            if (rp.i < rp.w.size()) throw new XtError(XtError.Kind.BARE, "Bad argument `" + rp.w.get(rp.i) + "'", rp.i);
            if (cmd == 'N' || cmd == 'E') IptablesState.checkNewName(cmd == 'N' ? chain : arg2, cmdWord + (cmd == 'N' ? 1 : 2));
            // xshared.c: DROP is refused in nat, as a target and as a policy
            if (table == TableName.NAT && ((cmd == 'P' && "DROP".equals(arg2)) || "DROP".equals(rp.simpleTarget == null ? null : rp.simpleTarget.name())))
                throw XtError.usage("\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n", -1);
            List<Rule> rules = List.of();
            if (needsRule) {
                rules = rp.rules();
                if (table.isBuiltin(chain)) {
                    for (Match m : rules.get(0).matches()) {
                        if (m instanceof IfaceMatch f && f.dir() == IfaceMatch.Direction.OUT && (chain.equals("PREROUTING") || chain.equals("INPUT")))
                            throw XtError.usage("Can't use -o with " + chain, -1);
                        if (m instanceof IfaceMatch f && f.dir() == IfaceMatch.Direction.IN && (chain.equals("POSTROUTING") || chain.equals("OUTPUT")))
                            throw XtError.usage("Can't use -i with " + chain, -1);
                    }
                }
                Rule r0 = rules.get(0);
                String j = IptablesState.jumpTarget(r0.target());
                if (j != null) {
                    IptablesState.TableState ts = st.isLoaded(table) ? st.tables.get(table) : null;
                    if (ts == null || ts.chain(j) == null) throw XtError.usage("Chain '" + j + "' does not exist", -1);
                }
            }
            // nf_tables creates the table with its base chains in the same transaction as the
            // command, so a failed command (or a listing) leaves an unloaded table unloaded
            boolean wasLoaded = st.isLoaded(table);
            try {
                run(st, rules);
            } finally {
                if (!wasLoaded && (failed || cmd == 'L' || cmd == 'S' || cmd == 'C')) st.tables.remove(table);
            }
        }

        boolean failed = true;
        String warning;

        private void run(IptablesState st, List<Rule> rules) {
            for (Rule r : rules)
                for (Match m : r.matches())
                    if (m instanceof IprangeMatch ir) {
                        // libxt_iprange warns and still adds the rule
                        if (ir.srcFrom() != null && ir.srcFrom().compareTo(ir.srcTo()) > 0)
                            warning = "xt_iprange: range " + ir.srcFrom() + "-" + ir.srcTo() + " is reversed and will never match";
                        if (ir.dstFrom() != null && ir.dstFrom().compareTo(ir.dstTo()) > 0)
                            warning = "xt_iprange: range " + ir.dstFrom() + "-" + ir.dstTo() + " is reversed and will never match";
                    }
            switch (cmd) {
                case 'A' -> st.insert(table, chain, -1, rules, "RULE_APPEND");
                case 'I' -> st.insert(table, chain, ruleNum < 0 ? 1 : ruleNum, rules, "RULE_INSERT");
                case 'R' -> {
                    if (rules.size() != 1) throw XtError.usage("-R requires a single source and destination", -1);
                    st.replaceRule(table, chain, ruleNum, rules.get(0));
                }
                case 'D' -> {
                    if (ruleNum > 0) st.deleteNumber(table, chain, ruleNum);
                    else for (Rule r : rules) st.deleteSpec(table, chain, r);
                }
                case 'C' -> {
                    for (Rule r : rules) st.find(table, chain, r);
                }
                case 'N' -> st.newChain(table, chain);
                case 'X' -> st.deleteChain(table, chain);
                case 'F' -> st.flush(table, chain);
                case 'Z' -> st.zero(table, chain);
                case 'P' -> st.policy(table, chain, arg2);
                case 'E' -> st.rename(table, chain, arg2);
                case 'L', 'S' -> {
                    st.load(table);
                    // iptables-legacy: "No chain/target/match by that name."
                    if (chain != null && st.tables.get(table).chain(chain) == null)
                        throw XtError.usage("chain `" + chain + "' in table `" + tableName + "' is incompatible, use 'nft' tool.", -1);
                }
                default -> {}
            }
            failed = false;
        }
    }
}
