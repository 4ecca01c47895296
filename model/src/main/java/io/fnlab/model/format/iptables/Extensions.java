package io.fnlab.model.format.iptables;

import java.util.Set;

/**
 * The IPv4 extensions this iptables (1.8.9, Debian) ships as libxt_* / libipt_* plugins. A name
 * in these lists that fnlab has no record for is "not modelled" (fnlab must not silently skip
 * it); a name outside them is one iptables itself does not know, and gets iptables' own error.
 */
final class Extensions {
    private Extensions() {}

    static final Set<String> MATCHES = Set.of("addrtype", "ah", "bpf", "cgroup", "cluster", "comment", "connbytes",
            "connlabel", "connlimit", "connmark", "conntrack", "cpu", "dccp", "devgroup", "dscp", "ecn", "esp",
            "hashlimit", "helper", "icmp", "ipcomp", "iprange", "ipvs", "length", "limit", "mac", "mark", "multiport",
            "nfacct", "osf", "owner", "physdev", "pkttype", "policy", "quota", "rateest", "realm", "recent",
            "rpfilter", "sctp", "set", "socket", "state", "statistic", "string", "tcp", "tcpmss", "time", "tos", "ttl",
            "u32", "udp", "udplite");

    static final Set<String> TARGETS = Set.of("AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNMARK",
            "CONNSECMARK", "CT", "DNAT", "DSCP", "ECN", "HMARK", "IDLETIMER", "LED", "LOG", "MARK", "MASQUERADE",
            "NETMAP", "NFLOG", "NFQUEUE", "NOTRACK", "RATEEST", "REDIRECT", "REJECT", "SECMARK", "SET", "SNAT",
            "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE", "TTL", "ULOG", "ACCEPT", "DROP",
            "RETURN", "QUEUE");
}
