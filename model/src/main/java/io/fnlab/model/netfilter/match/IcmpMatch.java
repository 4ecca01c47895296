package io.fnlab.model.netfilter.match;

/** --icmp-type TYPE[/CODE]; code -1 means any code; type 255 means any type. */
public record IcmpMatch(int type, int codeMin, int codeMax, boolean negated) implements Match {
    public String module() {
        return "icmp";
    }
}
