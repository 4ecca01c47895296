package io.fnlab.model.netfilter.match;

/**
 * xt_physdev: bridge ports. fnlab models hosts with plain interfaces and no bridge netfilter,
 * so the simulator treats every physdev criterion as "not bridged" and says so in the trace.
 */
public record PhysdevMatch(String in, boolean inNegated, String out, boolean outNegated,
                           Boolean isIn, Boolean isOut, Boolean isBridged) implements Match {
    public String module() {
        return "physdev";
    }
}
