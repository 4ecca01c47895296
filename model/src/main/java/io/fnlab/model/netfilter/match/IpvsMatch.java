package io.fnlab.model.netfilter.match;

import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import java.util.List;

/** xt_ipvs: criteria on skb->ipvs_property and the IPVS connection the packet belongs to. */
public record IpvsMatch(List<Criterion> criteria) implements Match {
    public IpvsMatch {
        criteria = List.copyOf(criteria);
    }

    public sealed interface Criterion permits Property, VAddr, VPort, VProto, VDir, VMethod, VPortCtl {}

    /** --ipvs: the packet was handled by IPVS (skb->ipvs_property). */
    public record Property(boolean negated) implements Criterion {}

    public record VAddr(Prefix prefix, boolean negated) implements Criterion {}

    public record VPort(int port, boolean negated) implements Criterion {}

    public record VProto(Protocol protocol, boolean negated) implements Criterion {}

    /** --vdir ORIGINAL|REPLY: the conntrack direction (no negation in the kernel). */
    public record VDir(boolean reply) implements Criterion {}

    /** --vmethod GATE|IPIP|MASQ. */
    public record VMethod(String method, boolean negated) implements Criterion {}

    public record VPortCtl(int port, boolean negated) implements Criterion {}

    public String module() {
        return "ipvs";
    }
}
