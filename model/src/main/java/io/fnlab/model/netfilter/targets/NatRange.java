package io.fnlab.model.netfilter.targets;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;

/** --to-destination / --to-source: [ip[-ip]][:port[-port]]; null parts are absent. */
public record NatRange(Ipv4 minAddr, Ipv4 maxAddr, PortRange ports) {
    public String format() {
        StringBuilder b = new StringBuilder();
        if (minAddr != null) {
            b.append(minAddr);
            if (maxAddr != null && !maxAddr.equals(minAddr)) b.append('-').append(maxAddr);
        }
        if (ports != null) b.append(':').append(ports.format('-'));
        return b.toString();
    }
}
