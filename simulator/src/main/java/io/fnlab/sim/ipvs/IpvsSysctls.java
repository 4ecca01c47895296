package io.fnlab.sim.ipvs;

import io.fnlab.model.sysctl.Sysctls;

/** The net.ipv4.vs.* sysctls fnlab models, with the kernel defaults (ip_vs_ctl.c). */
public record IpvsSysctls(int conntrack, int connReuseMode, int expireNodestConn, int expireQuiescentTemplate,
                          int sloppyTcp, int snatReroute, int natIcmpSend) {
    public static IpvsSysctls from(Sysctls s) {
        return new IpvsSysctls(
                s.getInt("net.ipv4.vs.conntrack", 0),
                s.getInt("net.ipv4.vs.conn_reuse_mode", 1),
                s.getInt("net.ipv4.vs.expire_nodest_conn", 0),
                s.getInt("net.ipv4.vs.expire_quiescent_template", 0),
                s.getInt("net.ipv4.vs.sloppy_tcp", 0),
                s.getInt("net.ipv4.vs.snat_reroute", 1),
                s.getInt("net.ipv4.vs.nat_icmp_send", 0));
    }
}
