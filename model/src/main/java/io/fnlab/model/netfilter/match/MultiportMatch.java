package io.fnlab.model.netfilter.match;

import io.fnlab.model.net.PortRange;
import java.util.List;

/** xt_multiport: --sports/--dports/--ports with up to 15 ports or ranges. */
public record MultiportMatch(Kind kind, List<PortRange> ports, boolean negated) implements Match {
    public enum Kind { SOURCE, DESTINATION, ANY }

    public MultiportMatch {
        ports = List.copyOf(ports);
    }

    public String module() {
        return "multiport";
    }
}
