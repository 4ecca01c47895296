package io.fnlab.model.netfilter.match;

import io.fnlab.model.net.Prefix;

/** -s / -d with optional ! (struct ipt_ip src/dst + IPT_INV_SRCIP/DSTIP). */
public record AddrMatch(Direction dir, Prefix prefix, boolean negated) implements Match {
    public enum Direction { SRC, DST }

    public String module() {
        return null;
    }
}
