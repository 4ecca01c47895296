package io.fnlab.model.netfilter.match;

import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import java.util.List;
import java.util.Set;

/** xt_conntrack: a list of criteria, each with its own !, in the order written. */
public record ConntrackMatch(List<Criterion> criteria) implements Match {
    public ConntrackMatch {
        criteria = List.copyOf(criteria);
    }

    public sealed interface Criterion permits State, Proto, Addr, Port, Status, Dir, Expire {}

    /** --ctstate. */
    public record State(Set<CtState> states, boolean negated) implements Criterion {
        public State {
            states = Set.copyOf(states);
        }
    }

    /** --ctproto. */
    public record Proto(Protocol protocol, boolean negated) implements Criterion {}

    /** Which tuple field an address or port criterion reads. */
    public enum Field { ORIGSRC, ORIGDST, REPLSRC, REPLDST }

    /** --ctorigsrc, --ctorigdst, --ctreplsrc, --ctrepldst. */
    public record Addr(Field field, Prefix prefix, boolean negated) implements Criterion {}

    /** --ctorigsrcport ... --ctrepldstport. */
    public record Port(Field field, PortRange range, boolean negated) implements Criterion {}

    /** --ctstatus NONE|EXPECTED|SEEN_REPLY|ASSURED|CONFIRMED (comma list). */
    public record Status(Set<String> statuses, boolean negated) implements Criterion {
        public Status {
            statuses = Set.copyOf(statuses);
        }
    }

    /** --ctdir ORIGINAL|REPLY (no negation in the kernel). */
    public record Dir(boolean reply) implements Criterion {}

    /** --ctexpire min[:max]. */
    public record Expire(long min, long max, boolean negated) implements Criterion {}

    public String module() {
        return "conntrack";
    }
}
