package io.fnlab.model.netfilter.match;

/** xt_tcpudp for UDP: --sport, --dport. */
public record UdpMatch(PortSpec sport, PortSpec dport) implements Match {
    public String module() {
        return "udp";
    }
}
