package io.fnlab.model.format.ipset;

import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.ipset.SetType.Dim;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and prints ipset elements ("10.1.1.1,tcp:80", "10.0.0.0/24", "30000-30002") the way
 * ipset(8) does (lib/parse.c ipset_parse_elem and friends, lib/print.c), expanding the ranges
 * the kernel expands on add/del (ip_set_hash_ip.c uadt loops; hash:net ranges become CIDRs via
 * ip_set_range_to_cidr). Errors carry the real tool's messages.
 */
public final class IpsetElems {
    private IpsetElems() {}

    /** Larger expansions are refused as not modelled (the kernel would happily add 16M entries). */
    public static final long MAX_EXPANSION = 1 << 20;

    private static final String[] ORDINAL = {"First", "Second", "Third"};

    /** One dimension, expanded: a list of alternatives. */
    private record Axis(List<SetElem> values) {}

    /**
     * The keys an element text stands for, in the order the kernel walks them.
     *
     * @param rangeFrom bitmap:port range start (ignored for other types)
     */
    static List<List<SetElem>> expand(SetType type, String text, int rangeFrom, int rangeTo, int netmask) {
        List<Dim> dims = type.dims();
        String[] parts = text.split(",", -1);
        if (parts.length > dims.size()) {
            // lib/parse.c ipset_parse_elem: the message names the separators one past what the type takes
            String[] what = {"Elem separator", "Two elem separators", "Three elem separators"};
            String[] supports = {"none", "one", "two"};
            int d = dims.size() - 1;
            throw new ToolFailure("Syntax error: " + what[d] + " in " + text + ", but settype " + type.label()
                    + " supports " + supports[d] + ".");
        }
        if (parts.length < dims.size())
            throw new ToolFailure("Syntax error: " + ORDINAL[parts.length] + " element is missing from " + text + ".");
        List<Axis> axes = new ArrayList<>();
        long total = 1;
        for (int i = 0; i < dims.size(); i++) {
            Axis a = switch (dims.get(i)) {
                case IP -> ip(parts[i], i == 0, type == SetType.HASH_IP ? netmask : 32, i == 0 ? type : null);
                case NET -> net(parts[i]);
                case PORT -> type == SetType.BITMAP_PORT ? bitmapPort(parts[i], rangeFrom, rangeTo) : port(parts[i]);
            };
            total *= a.values.size();
            if (total > MAX_EXPANSION)
                throw new ToolFailure.NotModelled("element " + text + " expands to more than " + MAX_EXPANSION
                        + " entries; fnlab does not model sets that large");
            axes.add(a);
        }
        List<List<SetElem>> out = new ArrayList<>((int) total);
        combine(axes, 0, new SetElem[dims.size()], out);
        return out;
    }

    private static void combine(List<Axis> axes, int i, SetElem[] cur, List<List<SetElem>> out) {
        if (i == axes.size()) {
            out.add(List.of(cur.clone()));
            return;
        }
        for (SetElem e : axes.get(i).values) {
            cur[i] = e;
            combine(axes, i + 1, cur, out);
        }
    }

    /** inet_aton-style: "1.2.3.4", also "1.2.3" (= 1.2.0.3) as getaddrinfo(3) accepts. */
    static Ipv4 addr(String s) {
        String[] p = s.split("\\.", -1);
        long[] v = new long[p.length];
        boolean ok = p.length >= 1 && p.length <= 4;
        for (int i = 0; ok && i < p.length; i++) {
            if (p[i].isEmpty() || p[i].length() > 10 || !p[i].chars().allMatch(Character::isDigit)) ok = false;
            else v[i] = Long.parseLong(p[i]);
        }
        if (ok) {
            long bits = 0;
            int n = p.length;
            for (int i = 0; i < n - 1; i++) {
                if (v[i] > 255) ok = false;
                bits = (bits << 8) | v[i];
            }
            long lastMax = (1L << (8 * (5 - n))) - 1;
            if (v[n - 1] > lastMax) ok = false;
            if (ok) return new Ipv4((int) ((bits << (8 * (5 - n))) | v[n - 1]));
        }
        throw new ToolFailure("Syntax error: cannot parse " + s + ": resolving to IPv4 address failed");
    }

    private static int cidr(String s) {
        return (int) Protocols.number(s, 32L);
    }

    private static Axis ip(String s, boolean rangeAllowed, int netmask, SetType nullCheck) {
        int slash = s.indexOf('/'), dash = s.indexOf('-');
        if (!rangeAllowed && (slash >= 0 || dash >= 0))
            throw new ToolFailure("Syntax error: plain IP address must be supplied: " + s);
        long from, to;
        // hash_ip4_uadt / hash_ipport4_uadt refuse a zero address before looking at the range
        Ipv4 given = addr(slash >= 0 ? s.substring(0, slash) : dash >= 0 ? s.substring(0, dash) : s);
        if ((given.bits() & Prefix.maskOf(netmask)) == 0) {
            if (nullCheck == SetType.HASH_IP) throw new ToolFailure.Kernel("Null-valued element, cannot be stored in a hash type of set");
            if (nullCheck == SetType.HASH_IP_PORT) throw new ToolFailure.Kernel("Kernel error received: Invalid argument");
        }
        if (slash >= 0) {
            Ipv4 a = addr(s.substring(0, slash));
            int len = cidr(s.substring(slash + 1));
            if (len == 0) throw new ToolFailure.Kernel("The value of the CIDR parameter of the IP address is invalid");
            Prefix p = new Prefix(a, len).network();
            from = p.address().unsigned();
            to = p.broadcast().unsigned();
        } else if (dash >= 0) {
            from = addr(s.substring(0, dash)).unsigned();
            to = addr(s.substring(dash + 1)).unsigned();
            if (from > to) { long t = from; from = to; to = t; }
        } else {
            from = to = addr(s).unsigned();
        }
        int mask = Prefix.maskOf(netmask);
        long step = netmask == 32 ? 1 : 1L << (32 - netmask);
        from &= mask & 0xffffffffL;
        if (to - from + 1 > MAX_EXPANSION * step)
            throw new ToolFailure.NotModelled("address range " + s + " has more than " + MAX_EXPANSION
                    + " addresses; fnlab does not model sets that large");
        List<SetElem> v = new ArrayList<>();
        for (long a = from; a <= to; a += step) v.add(new SetElem.Net(new Prefix(new Ipv4((int) a), 32)));
        return new Axis(v);
    }

    private static Axis net(String s) {
        int slash = s.indexOf('/'), dash = s.indexOf('-');
        List<SetElem> v = new ArrayList<>();
        if (dash >= 0 && slash < 0) {
            long from = addr(s.substring(0, dash)).unsigned(), to = addr(s.substring(dash + 1)).unsigned();
            if (from > to) { long t = from; from = to; to = t; }
            // ip_set_range_to_cidr: the largest aligned block that starts at from and fits.
            while (from <= to) {
                int len = 32;
                while (len > 1) {
                    long size = 1L << (32 - (len - 1));
                    if ((from & (size - 1)) != 0 || from + size - 1 > to) break;
                    len--;
                }
                v.add(new SetElem.Net(new Prefix(new Ipv4((int) from), len)));
                if (v.size() > MAX_EXPANSION) throw new ToolFailure.NotModelled("range " + s + " is too large for fnlab");
                from += 1L << (32 - len);
            }
            return new Axis(v);
        }
        Ipv4 a = addr(slash >= 0 ? s.substring(0, slash) : s);
        int len = slash >= 0 ? cidr(s.substring(slash + 1)) : 32;
        if (len == 0) throw new ToolFailure.Kernel("The value of the CIDR parameter of the IP address is invalid");
        v.add(new SetElem.Net(new Prefix(a, len).network()));
        return new Axis(v);
    }

    private static int portNumber(String s, int proto) {
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            if (s.length() > 9 || Long.parseLong(s) > 65535)
                throw new ToolFailure("Syntax error: '" + s + "' is out of range 0-65535\nSyntax error: '"
                        + Protocols.name(proto) + "' is invalid as number\ncannot parse '" + s + "' as a "
                        + Protocols.name(proto) + " port");
            return Integer.parseInt(s);
        }
        Integer svc = Protocols.SERVICES.get(s);
        if (svc != null) return svc;
        if (s.isEmpty() || s.chars().anyMatch(c -> !Character.isLetterOrDigit(c) && c != '-' && c != '_'))
            throw new ToolFailure("Syntax error: '" + s + "' is invalid as number\nSyntax error: '"
                    + Protocols.name(proto) + "' is invalid as number\ncannot parse '" + s + "' as a "
                    + Protocols.name(proto) + " port");
        throw new ToolFailure.NotModelled("service name '" + s + "' is not in fnlab's /etc/services subset; write the port number");
    }

    private static Axis port(String s) {
        int colon = s.indexOf(':');
        int proto = 6;
        String ports = s;
        if (colon >= 0) {
            String p = s.substring(0, colon);
            proto = Protocols.parse(p);
            if (proto < 0) throw new ToolFailure("Syntax error: cannot parse '" + p + "' as a protocol");
            ports = s.substring(colon + 1);
        }
        Protocol protocol = Protocols.protocol(proto);
        List<SetElem> v = new ArrayList<>();
        if (proto == 1) {
            v.add(new SetElem.Port(protocol, Protocols.icmpParse(ports)));
            return new Axis(v);
        }
        if (!Protocols.hasPorts(proto)) {
            if (!ports.equals("0"))
                throw new ToolFailure("Syntax error: Protocol " + Protocols.name(proto)
                        + " can be used with pseudo port value 0 only.");
            v.add(new SetElem.Port(protocol, 0));
            return new Axis(v);
        }
        int dash = ports.indexOf('-', 1);
        int from, to;
        if (dash > 0) {
            // ipset parses the end of a range first (its messages name the second port)
            to = portNumber(ports.substring(dash + 1), proto);
            from = portNumber(ports.substring(0, dash), proto);
            if (from > to) { int t = from; from = to; to = t; }
        } else {
            from = to = portNumber(ports, proto);
        }
        for (int p = from; p <= to; p++) v.add(new SetElem.Port(protocol, p));
        return new Axis(v);
    }

    private static Axis bitmapPort(String s, int rangeFrom, int rangeTo) {
        int colon = s.indexOf(':');
        String ports = s;
        if (colon >= 0) {
            String p = s.substring(0, colon);
            if (Protocols.parse(p) < 0) throw new ToolFailure("Syntax error: cannot parse '" + p + "' as a protocol");
            ports = s.substring(colon + 1);
        }
        int dash = ports.indexOf('-', 1);
        int to = portNumber(dash > 0 ? ports.substring(dash + 1) : ports, 6);
        int from = dash > 0 ? portNumber(ports.substring(0, dash), 6) : to;
        if (from > to) { int t = from; from = to; to = t; }
        if (from < rangeFrom || to > rangeTo) throw new ToolFailure.Kernel("Element is out of the range of the set");
        List<SetElem> v = new ArrayList<>();
        for (int p = from; p <= to; p++) v.add(new SetElem.Port(Protocol.TCP, p));
        return new Axis(v);
    }

    /** The element as `ipset save` prints it. */
    public static String format(SetType type, List<SetElem> elems) {
        StringBuilder sb = new StringBuilder(32);
        for (int i = 0; i < elems.size(); i++) {
            if (i > 0) sb.append(',');
            SetElem e = elems.get(i);
            if (e instanceof SetElem.Net n) {
                sb.append(n.prefix().address());
                if (type.dims().get(i) == Dim.NET && n.prefix().length() != 32) sb.append('/').append(n.prefix().length());
            } else if (e instanceof SetElem.Port p) {
                if (type == SetType.BITMAP_PORT) {
                    sb.append(p.port());
                } else {
                    int proto = p.protocol().number();
                    sb.append(Protocols.name(proto)).append(':');
                    sb.append(proto == 1 ? Protocols.icmpName(p.port()) : Integer.toString(p.port()));
                }
            }
        }
        return sb.toString();
    }

    /** The entry line's tail after the element: " timeout 9 nomatch packets 0 bytes 0 comment \"x\"". */
    static String formatExtensions(SetEntry e, boolean counters) {
        StringBuilder sb = new StringBuilder();
        if (e.timeout() != null) sb.append(" timeout ").append(e.timeout());
        if (e.nomatch()) sb.append(" nomatch");
        if (counters) sb.append(" packets 0 bytes 0");
        if (e.comment() != null) sb.append(" comment \"").append(e.comment()).append('"');
        return sb.toString();
    }
}
