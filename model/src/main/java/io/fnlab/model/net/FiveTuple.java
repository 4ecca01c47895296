package io.fnlab.model.net;

/** The tuple conntrack and IPVS key on. For ICMP, ports hold echo id (src) and type/code (dst). */
public record FiveTuple(Protocol protocol, Ipv4 src, int sport, Ipv4 dst, int dport) {
    public FiveTuple reversed() {
        return new FiveTuple(protocol, dst, dport, src, sport);
    }

    @Override
    public String toString() {
        return protocol + " " + src + ":" + sport + " -> " + dst + ":" + dport;
    }
}
