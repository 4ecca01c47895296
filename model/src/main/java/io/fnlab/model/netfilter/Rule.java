package io.fnlab.model.netfilter;

import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.parse.SourceRef;
import java.util.List;

/**
 * One iptables rule: matches in the order written (iptables-save keeps that order), an optional
 * target (a rule without -j only counts), counters, and where it was written.
 */
public record Rule(List<Match> matches, Target target, Counters counters, SourceRef source) {
    public Rule {
        matches = List.copyOf(matches);
        if (counters == null) counters = Counters.ZERO;
        if (source == null) source = SourceRef.UNKNOWN;
    }

    /** Equality for round trips and -D by spec: what the rule does, not where it came from. */
    public boolean sameSpec(Rule o) {
        return matches.equals(o.matches) && java.util.Objects.equals(target, o.target);
    }

    public Rule withSource(SourceRef s) {
        return new Rule(matches, target, counters, s);
    }

    public Rule withCounters(Counters c) {
        return new Rule(matches, target, c, source);
    }
}
