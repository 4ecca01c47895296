package io.fnlab.model.netfilter.match;

import io.fnlab.model.net.Ipv4;

/** xt_iprange: --src-range / --dst-range, inclusive, each with its own !; null when absent. */
public record IprangeMatch(Ipv4 srcFrom, Ipv4 srcTo, boolean srcNegated, Ipv4 dstFrom, Ipv4 dstTo, boolean dstNegated)
        implements Match {
    public String module() {
        return "iprange";
    }
}
