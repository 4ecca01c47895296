package io.fnlab.model.format.iptables;

import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.List;

/**
 * The iptables rule specification shared by every iptables format: the words after
 * "-A CHAIN" in a command or an iptables-save line. {@link #parse} reads them as iptables 1.8.9
 * does; {@link #format} prints a rule exactly as iptables-save prints it. A parsed rule is in
 * canonical form (what the kernel keeps), so format(parse(x)) is iptables-save's text for x and
 * parse(format(r)) equals r for every rule parse returns.
 */
public final class RuleSyntax {
    private RuleSyntax() {}

    /**
     * One rule. {@code where} locates the first word (its column, or column 1 when 0); errors
     * name the offending word's column assuming single spaces between words. A match or target
     * iptables has but fnlab does not model gives "match 'X' is not modelled by fnlab"; anything
     * iptables itself refuses gives iptables' own message. "-s a,b" (several rules) is refused
     * here: use {@link #parseAll}.
     */
    public static Rule parse(List<String> args, SourceRef where) {
        List<Rule> r = parseAll(args, where);
        if (r.size() != 1)
            throw new ParseError(where, "-s/-d with several addresses makes " + r.size() + " rules; one rule expected");
        return r.get(0);
    }

    /** Like {@link #parse}, expanding "-s a,b -d c,d" into one rule per pair as iptables does. */
    public static List<Rule> parseAll(List<String> args, SourceRef where) {
        int[] cols = RuleParser.columns(args, where.column());
        RuleParser p = new RuleParser(new ArrayList<>(args), cols, where, null, null);
        try {
            p.run();
            return p.rules();
        } catch (XtError e) {
            throw new ParseError(p.at(e.word), e.text);
        }
    }

    /**
     * The rule as the words of an iptables command line (what -A CHAIN takes), e.g. for a shell
     * script that runs `iptables -C`/`-A`: iptables-save's text split the way iptables-restore
     * splits it, so quoting inside comments (iptables-save writes \' and \") comes out exact.
     */
    public static java.util.List<String> argv(Rule r) {
        return IptablesSave.split(format(r), io.fnlab.model.parse.SourceRef.UNKNOWN, 1, new java.util.ArrayList<>());
    }

    /** The rule spec as iptables-save prints it after "-A CHAIN " (empty for a rule with nothing). */
    public static String format(Rule r) {
        return SaveFormat.rule(r);
    }

    /** xtables_save_string quoting, as iptables-save applies it to comments and log prefixes. */
    public static String quote(String s) {
        return SaveFormat.quote(s);
    }
}
