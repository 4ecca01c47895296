package io.fnlab.model.format.iptables;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Prefix;
import java.util.Map;

/** Address, mask and port syntax of libxtables (xtables_ipparse_any, xtables_parse_port). */
final class Addrs {
    private Addrs() {}

    /** address[/len|/dotted-mask] as written (host bits kept); hostnames are not resolved. */
    static Prefix prefix(String s, int w) {
        int slash = s.indexOf('/');
        String a = slash < 0 ? s : s.substring(0, slash);
        if (!Ipv4.isValid(a)) throw XtError.usage("host/network `" + a + "' not found", w);
        Ipv4 ip = Ipv4.parse(a);
        if (slash < 0) return Prefix.host(ip);
        String m = s.substring(slash + 1);
        if (m.indexOf('.') >= 0) {
            if (!Ipv4.isValid(m)) throw XtError.usage("host/network `" + m + "' not found", w);
            int mask = Ipv4.parse(m).bits();
            int len = Integer.bitCount(mask);
            if (mask != Prefix.maskOf(len))
                throw XtError.notModelled("non-contiguous netmask '" + m + "' is not modelled by fnlab", w);
            return new Prefix(ip, len);
        }
        Long len = Numbers.parseUnsigned(m, 32);
        if (len == null) throw XtError.usage("invalid mask `" + m + "' specified", w);
        return new Prefix(ip, len.intValue());
    }

    /** As xtables_ipmask_to_numeric appends it: nothing for /32. */
    static String withMask(Prefix p) {
        return p.length() == 32 ? p.address().toString() : p.toString();
    }

    private static final Map<String, Integer> SERVICES = Map.ofEntries(Map.entry("ftp-data", 20),
            Map.entry("ftp", 21), Map.entry("ssh", 22), Map.entry("telnet", 23), Map.entry("smtp", 25),
            Map.entry("domain", 53), Map.entry("bootps", 67), Map.entry("bootpc", 68), Map.entry("tftp", 69),
            Map.entry("http", 80), Map.entry("www", 80), Map.entry("pop3", 110), Map.entry("ntp", 123),
            Map.entry("imap2", 143), Map.entry("imap", 143), Map.entry("snmp", 161), Map.entry("bgp", 179),
            Map.entry("ldap", 389), Map.entry("https", 443), Map.entry("syslog", 514), Map.entry("imaps", 993),
            Map.entry("pop3s", 995), Map.entry("mysql", 3306), Map.entry("postgresql", 5432));

    /** xtables_parse_port: a number 0..65535 or a common service name (/etc/services); -1 if neither. */
    static int port(String s) {
        Long v = Numbers.parseUnsigned(s, 65535);
        if (v != null && s.chars().allMatch(Character::isDigit)) return v.intValue();
        Integer p = SERVICES.get(s);
        return p == null ? -1 : p;
    }

    /** tcp/udp --sport/--dport: port, a:b, :b, a: (xtables_parse_port + parse_tcp_ports). */
    static PortRange tcpPorts(String s, int w) {
        int c = s.indexOf(':');
        if (c < 0) return PortRange.single(portOrFail(s, w));
        int a = c == 0 ? 0 : portOrFail(s.substring(0, c), w);
        int b = c == s.length() - 1 ? 65535 : portOrFail(s.substring(c + 1), w);
        if (a > b) throw XtError.usage("invalid portrange (min > max)", w);
        return new PortRange(a, b);
    }

    static int portOrFail(String s, int w) {
        int p = port(s);
        if (p < 0) throw XtError.usage("invalid port/service `" + s + "' specified", w);
        return p;
    }

    static String range(PortRange r) {
        return r.isSingle() ? Integer.toString(r.from()) : r.from() + ":" + r.to();
    }
}
