package io.fnlab.model.format.ipset;

import io.fnlab.model.net.Protocol;
import java.util.Map;

/**
 * Protocol and ICMP names as ipset prints and parses them: ipset uses getprotobynumber(3) (so
 * /etc/protocols names such as "ipencap" for 4 and "esp" for 50) and its own ICMP table
 * (ipset lib/icmp.c icmp_typecodes), where the first name of a type/code is the one printed.
 */
final class Protocols {
    private Protocols() {}

    static final int UDPLITE = 136;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "icmp"), Map.entry(2, "igmp"), Map.entry(4, "ipencap"), Map.entry(6, "tcp"),
            Map.entry(17, "udp"), Map.entry(41, "ipv6"), Map.entry(47, "gre"), Map.entry(50, "esp"),
            Map.entry(51, "ah"), Map.entry(89, "ospf"), Map.entry(103, "pim"), Map.entry(112, "vrrp"),
            Map.entry(132, "sctp"), Map.entry(136, "udplite"));

    /** Names getprotobyname(3) accepts (with the aliases of /etc/protocols). */
    private static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("icmp", 1), Map.entry("igmp", 2), Map.entry("ipencap", 4), Map.entry("ipip", 4),
            Map.entry("tcp", 6), Map.entry("udp", 17), Map.entry("ipv6", 41), Map.entry("gre", 47),
            Map.entry("esp", 50), Map.entry("ah", 51), Map.entry("ospf", 89), Map.entry("pim", 103),
            Map.entry("vrrp", 112), Map.entry("sctp", 132), Map.entry("udplite", 136));

    static final String[][] ICMP = {
        {"echo-reply", "0", "0"}, {"pong", "0", "0"}, {"network-unreachable", "3", "0"},
        {"host-unreachable", "3", "1"}, {"protocol-unreachable", "3", "2"}, {"port-unreachable", "3", "3"},
        {"fragmentation-needed", "3", "4"}, {"source-route-failed", "3", "5"}, {"network-unknown", "3", "6"},
        {"host-unknown", "3", "7"}, {"network-prohibited", "3", "9"}, {"host-prohibited", "3", "10"},
        {"TOS-network-unreachable", "3", "11"}, {"TOS-host-unreachable", "3", "12"},
        {"communication-prohibited", "3", "13"}, {"host-precedence-violation", "3", "14"},
        {"precedence-cutoff", "3", "15"}, {"source-quench", "4", "0"}, {"network-redirect", "5", "0"},
        {"host-redirect", "5", "1"}, {"TOS-network-redirect", "5", "2"}, {"TOS-host-redirect", "5", "3"},
        {"echo-request", "8", "0"}, {"ping", "8", "0"}, {"router-advertisement", "9", "0"},
        {"router-solicitation", "10", "0"}, {"ttl-zero-during-transit", "11", "0"},
        {"ttl-zero-during-reassembly", "11", "1"}, {"ip-header-bad", "12", "0"},
        {"required-option-missing", "12", "1"}, {"timestamp-request", "13", "0"}, {"timestamp-reply", "14", "0"},
        {"address-mask-request", "17", "0"}, {"address-mask-reply", "18", "0"},
    };

    /** A small /etc/services subset; other service names are refused as not modelled. */
    static final Map<String, Integer> SERVICES = Map.ofEntries(
            Map.entry("ssh", 22), Map.entry("smtp", 25), Map.entry("domain", 53), Map.entry("http", 80),
            Map.entry("ntp", 123), Map.entry("https", 443), Map.entry("mysql", 3306));

    static String name(int proto) {
        String n = NAMES.get(proto);
        return n != null ? n : Integer.toString(proto);
    }

    /** -1 when neither a known name nor a number 0-255. */
    static int parse(String s) {
        Integer n = BY_NAME.get(s);
        if (n != null) return n;
        if (!s.isEmpty() && s.length() <= 3 && s.chars().allMatch(Character::isDigit)) {
            int v = Integer.parseInt(s);
            if (v <= 255) return v;
        }
        return -1;
    }

    static boolean hasPorts(int proto) {
        return proto == 6 || proto == 17 || proto == 132 || proto == UDPLITE;
    }

    static Protocol protocol(int n) {
        return switch (n) {
            case 6 -> Protocol.TCP;
            case 17 -> Protocol.UDP;
            case 1 -> Protocol.ICMP;
            default -> new Protocol(n);
        };
    }

    /** "echo-request" or "3/300" style for ICMP type<<8|code. */
    static String icmpName(int typeCode) {
        String t = Integer.toString(typeCode >> 8), c = Integer.toString(typeCode & 255);
        for (String[] e : ICMP) if (e[1].equals(t) && e[2].equals(c)) return e[0];
        return t + "/" + c;
    }

    /** type<<8|code, or throws the message ipset prints. */
    static int icmpParse(String s) {
        for (String[] e : ICMP) if (e[0].equalsIgnoreCase(s)) return (Integer.parseInt(e[1]) << 8) | Integer.parseInt(e[2]);
        int slash = s.indexOf('/');
        if (slash < 0) throw new ToolFailure("Cannot parse " + s + " as an ICMP type/code.");
        int type = number(s.substring(0, slash), 255), code = number(s.substring(slash + 1), 255);
        return (type << 8) | code;
    }

    /** ipset's string_to_number for 0..max with its messages. */
    static long number(String s, long max) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 18)
            throw new ToolFailure("Syntax error: '" + s + "' is invalid as number");
        long v = Long.parseLong(s);
        if (v > max) throw new ToolFailure("Syntax error: '" + s + "' is out of range 0-" + max);
        return v;
    }

    static int number(String s, int max) {
        return (int) number(s, (long) max);
    }
}
