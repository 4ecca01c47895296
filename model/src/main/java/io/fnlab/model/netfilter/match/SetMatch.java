package io.fnlab.model.netfilter.match;

import java.util.List;

/**
 * xt_set: --match-set NAME src|dst[,src|dst...]; each flag says whether the set's dimension is
 * taken from the packet's source (true) or destination (false) address/port.
 */
public record SetMatch(String setName, List<Boolean> srcFlags, boolean negated, boolean returnNomatch)
        implements Match {
    public SetMatch {
        srcFlags = List.copyOf(srcFlags);
    }

    public String module() {
        return "set";
    }
}
