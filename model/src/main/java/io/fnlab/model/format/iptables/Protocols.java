package io.fnlab.model.format.iptables;

import io.fnlab.model.net.Protocol;
import java.util.HashMap;
import java.util.Map;

/**
 * IP protocol names as iptables reads and prints them. iptables-save prints -p through
 * getprotobynumber(3) after its own table (xtables_chain_protos in libxtables/xtables.c), so the
 * names come from /etc/protocols; this is Debian netbase's list, embedded so that output does not
 * depend on the machine fnlab runs on.
 */
final class Protocols {
    private Protocols() {}

    // name number alias (Debian netbase /etc/protocols, first name per number is what prints)
    private static final String TABLE = "ip 0 IP;hopopt 0 HOPOPT;icmp 1 ICMP;igmp 2 IGMP;ggp 3 GGP;ipencap 4 IP-ENCAP;"
            + "st 5 ST;tcp 6 TCP;egp 8 EGP;igp 9 IGP;pup 12 PUP;udp 17 UDP;hmp 20 HMP;xns-idp 22 XNS-IDP;rdp 27 RDP;"
            + "iso-tp4 29 ISO-TP4;dccp 33 DCCP;xtp 36 XTP;ddp 37 DDP;idpr-cmtp 38 IDPR-CMTP;ipv6 41 IPv6;"
            + "ipv6-route 43 IPv6-Route;ipv6-frag 44 IPv6-Frag;idrp 45 IDRP;rsvp 46 RSVP;gre 47 GRE;esp 50 IPSEC-ESP;"
            + "ah 51 IPSEC-AH;skip 57 SKIP;ipv6-icmp 58 IPv6-ICMP;ipv6-nonxt 59 IPv6-NoNxt;ipv6-opts 60 IPv6-Opts;"
            + "rspf 73 RSPF;vmtp 81 VMTP;eigrp 88 EIGRP;ospf 89 OSPFIGP;ax.25 93 AX.25;ipip 94 IPIP;etherip 97 ETHERIP;"
            + "encap 98 ENCAP;pim 103 PIM;ipcomp 108 IPCOMP;vrrp 112 VRRP;l2tp 115 L2TP;isis 124 ISIS;sctp 132 SCTP;"
            + "fc 133 FC;mobility-header 135 Mobility-Header;udplite 136 UDPLite;mpls-in-ip 137 MPLS-in-IP;manet 138;"
            + "hip 139 HIP;shim6 140 Shim6;wesp 141 WESP;rohc 142 ROHC;ethernet 143 Ethernet";

    private static final Map<String, Integer> BY_NAME = new HashMap<>();
    private static final String[] BY_NUMBER = new String[256];

    static {
        for (String e : TABLE.split(";")) {
            String[] f = e.split(" ");
            int n = Integer.parseInt(f[1]);
            BY_NAME.putIfAbsent(f[0], n);
            if (f.length > 2) BY_NAME.putIfAbsent(f[2], n);
            if (BY_NUMBER[n] == null) BY_NUMBER[n] = f[0];
        }
        BY_NAME.put("all", 0);
        BY_NAME.put("icmpv6", 58);
        BY_NAME.put("mh", 135);
        BY_NAME.put("ipv6-mh", 135);
    }

    /**
     * xtables_parse_protocol: a number 0..255 (base 0, as strtoul), "all", or a name or alias
     * from /etc/protocols (case-sensitive, as getprotobyname is). Null when unknown.
     */
    static Protocol parse(String s) {
        Long n = Numbers.parseUnsigned(s, 255);
        if (n != null) return new Protocol(n.intValue());
        Integer v = BY_NAME.get(s);
        return v == null || v > 255 ? null : new Protocol(v);
    }

    /** The name iptables-save prints after -p (number when /etc/protocols has none). */
    static String name(Protocol p) {
        int n = p.number();
        if (n == 58) return "ipv6-icmp";
        String s = BY_NUMBER[n];
        return s == null ? Integer.toString(n) : s;
    }
}
