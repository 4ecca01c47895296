package io.fnlab.model.netfilter.match;

import java.util.Set;

/**
 * xt_addrtype (revision 1): --src-type / --dst-type with the route types of the address, each
 * with its own !, and --limit-iface-in / --limit-iface-out.
 */
public record AddrtypeMatch(Set<AddrType> srcTypes, boolean srcNegated, Set<AddrType> dstTypes, boolean dstNegated,
                            boolean limitIfaceIn, boolean limitIfaceOut) implements Match {
    public enum AddrType { UNSPEC, UNICAST, LOCAL, BROADCAST, ANYCAST, MULTICAST, BLACKHOLE, UNREACHABLE, PROHIBIT, THROW, NAT, XRESOLVE }

    public AddrtypeMatch {
        srcTypes = Set.copyOf(srcTypes);
        dstTypes = Set.copyOf(dstTypes);
    }

    public String module() {
        return "addrtype";
    }
}
