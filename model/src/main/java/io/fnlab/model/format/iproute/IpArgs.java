package io.fnlab.model.format.iproute;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.route.Address;
import java.util.List;

/** iproute2's argument parsers (lib/utils.c get_addr_ipv4, get_prefix, get_unsigned; rt_names.c). */
final class IpArgs {
    private IpArgs() {}

    /** get_addr_ipv4: up to four decimal bytes, missing trailing bytes are 0 ("1.2.3" = 1.2.3.0). */
    static Ipv4 addr(String s) {
        if (s.isEmpty() || s.endsWith(".")) return null;
        String[] p = s.split("\\.", -1);
        if (p.length > 4) return null;
        int bits = 0;
        for (int i = 0; i < 4; i++) {
            int v = 0;
            if (i < p.length) {
                if (p[i].isEmpty() || p[i].length() > 3 || !p[i].chars().allMatch(Character::isDigit)) return null;
                v = Integer.parseInt(p[i]);
                if (v > 255) return null;
            }
            bits = (bits << 8) | v;
        }
        return new Ipv4(bits);
    }

    static Ipv4 inet(String s) {
        Ipv4 a = addr(s);
        if (a == null) throw new IpFailure("Error: inet address is expected rather than \"" + s + "\".");
        return a;
    }

    /** get_prefix; "default", "all", "any" are 0/0 where allowDefault. */
    static Prefix prefix(String s, boolean allowDefault) {
        if (allowDefault && (s.equals("default") || s.equals("all") || s.equals("any"))) return Prefix.ANY;
        int slash = s.indexOf('/');
        Ipv4 a = addr(slash < 0 ? s : s.substring(0, slash));
        int len = 32;
        if (slash >= 0) {
            String l = s.substring(slash + 1);
            len = l.isEmpty() || l.length() > 2 || !l.chars().allMatch(Character::isDigit) ? -1 : Integer.parseInt(l);
        }
        if (a == null || len < 0 || len > 32) {
            if (s.indexOf(':') >= 0) throw new IpFailure.NotModelled("IPv6 prefix " + s + " is not modelled by fnlab");
            throw new IpFailure("Error: any valid prefix is expected rather than \"" + s + "\".");
        }
        return new Prefix(a, len);
    }

    /** get_unsigned: decimal, 0x hex or 0 octal, fitting 32 bits; -1 when invalid. */
    static long unsigned(String s) {
        try {
            long v;
            if (s.startsWith("0x") || s.startsWith("0X")) v = Long.parseLong(s.substring(2), 16);
            else if (s.length() > 1 && s.startsWith("0")) v = Long.parseLong(s.substring(1), 8);
            else v = Long.parseLong(s);
            if (s.startsWith("-") || s.startsWith("+") || v < 0 || v > 0xffffffffL || s.length() > 12) return -1;
            return v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static IpFailure invarg(String msg, String arg) {
        return new IpFailure("Error: argument \"" + arg + "\" is wrong: " + msg);
    }

    static IpFailure garbage(String key, String arg) {
        return new IpFailure("Error: either \"" + key + "\" is duplicate, or \"" + arg + "\" is a garbage.");
    }

    static String next(List<String> a, int i) {
        if (i + 1 >= a.size()) throw new IpFailure("Command line is not complete. Try option \"help\"");
        return a.get(i + 1);
    }

    /** rtnl_rttable_a2n, normalised to the model's names: "main", "local", "default" or a number. */
    static String table(String s, String what) {
        switch (s) {
            case "main": return "main";
            case "local": return "local";
            case "default": return "default";
            default:
                long v = unsigned(s);
                if (v < 0) throw invarg(what, s);
                if (v == 254 || v == 0) return "main";
                if (v == 255) return "local";
                if (v == 253) return "default";
                return Long.toString(v);
        }
    }

    /** rtnl_rtscope_a2n; only the scopes the model has. */
    static Address.Scope scope(String s, String msg) {
        switch (s) {
            case "global": case "universe": case "0": return Address.Scope.GLOBAL;
            case "link": case "253": return Address.Scope.LINK;
            case "host": case "254": return Address.Scope.HOST;
            case "site": case "nowhere": case "200": case "255":
                throw new IpFailure.NotModelled("scope " + s + " is not modelled by fnlab");
            default:
                long v = unsigned(s);
                if (v < 0 || v > 255) throw invarg(msg, s);
                throw new IpFailure.NotModelled("scope " + s + " is not modelled by fnlab (global, link and host are)");
        }
    }

    static String scopeName(Address.Scope s) {
        return switch (s) {
            case GLOBAL -> "global";
            case LINK -> "link";
            case HOST -> "host";
        };
    }

    /** iproute2 matches(): cmd is a non-empty prefix of word. */
    static boolean matches(String cmd, String word) {
        return !cmd.isEmpty() && word.startsWith(cmd);
    }
}
