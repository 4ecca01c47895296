package io.fnlab.model.ipvs;

import java.util.List;

/**
 * A host's IPVS configuration: services in creation order, `ipvsadm --set tcp tcpfin udp`
 * timeouts (0 = leave the kernel default) and the modules a script loads (modprobe lines).
 */
public record IpvsConfig(List<VirtualService> services, Timeouts timeouts, List<String> modules) {
    public static final IpvsConfig EMPTY = new IpvsConfig(List.of(), Timeouts.DEFAULT, List.of());

    public record Timeouts(int tcp, int tcpFin, int udp) {
        /** The kernel's defaults (ip_vs_proto_tcp.c tcp_timeouts, ip_vs_proto_udp.c). */
        public static final Timeouts DEFAULT = new Timeouts(900, 120, 300);
    }

    public IpvsConfig {
        services = List.copyOf(services);
        modules = List.copyOf(modules);
        if (timeouts == null) timeouts = Timeouts.DEFAULT;
    }
}
