package io.fnlab.model.ipvs;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;

/** A virtual service: -t/-u/--sctp-service ADDR:PORT, or -f FWMARK (protocol null, address null). */
public record ServiceKey(Protocol protocol, Ipv4 address, int port, long fwmark) {
    public static ServiceKey tcp(Ipv4 a, int p) {
        return new ServiceKey(Protocol.TCP, a, p, 0);
    }

    public static ServiceKey udp(Ipv4 a, int p) {
        return new ServiceKey(Protocol.UDP, a, p, 0);
    }

    public static ServiceKey fwmark(long m) {
        return new ServiceKey(null, null, 0, m);
    }

    public boolean isFwmark() {
        return protocol == null;
    }

    /** As ipvsadm writes it: "-t 10.1.1.1:80", "-f 1". */
    public String toArgs() {
        if (isFwmark()) return "-f " + fwmark;
        String opt = protocol.equals(Protocol.TCP) ? "-t" : protocol.equals(Protocol.UDP) ? "-u" : "--sctp-service";
        return opt + " " + address + ":" + port;
    }

    @Override
    public String toString() {
        return isFwmark() ? "FWM " + fwmark : protocol.name().toUpperCase(java.util.Locale.ROOT) + " " + address + ":" + port;
    }
}
