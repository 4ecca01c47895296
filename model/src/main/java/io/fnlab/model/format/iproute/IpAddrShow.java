package io.fnlab.model.format.iproute;

import io.fnlab.model.net.Prefix;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `ip -o addr show` (iproute2 6.1), IPv4 lines: "IDX: DEV    inet A/L scope S [secondary ]DEV\
 * valid_lft forever preferred_lft forever". Devices come in ifindex order, a device's addresses
 * in the kernel's order (primaries by scope, then secondaries; see IpCommand). IPv6 is not
 * modelled: inet6 lines are read and left out; everything else unknown is a ParseError.
 */
public final class IpAddrShow {
    private IpAddrShow() {}

    /** Addresses with the ifindex of every device that has one. */
    public record Dump(List<Address> addresses, Map<String, Integer> ifindex) {
        public Dump {
            addresses = List.copyOf(addresses);
            ifindex = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ifindex));
        }
    }

    private static final String TAIL = "\\       valid_lft forever preferred_lft forever";

    public static String write(Dump d) {
        return write(d.addresses(), d.ifindex());
    }

    /** addrs in the order they were added; printed in the kernel's order (Fib.kernelOrder). */
    public static String write(List<Address> added, Map<String, Integer> ifindex) {
        List<Address> addrs = Fib.kernelOrder(added);
        List<String> devs = new ArrayList<>();
        for (Address a : addrs) if (!devs.contains(a.device())) devs.add(a.device());
        for (String dv : devs)
            if (!ifindex.containsKey(dv)) throw new IllegalArgumentException("no ifindex for device " + dv);
        devs.sort(Comparator.comparingInt(ifindex::get));
        StringBuilder sb = new StringBuilder();
        for (String dv : devs) {
            List<Address> l = new ArrayList<>();
            for (Address a : addrs) if (a.device().equals(dv)) l.add(a);
            boolean[] sec = Fib.secondaries(l);
            for (int i = 0; i < l.size(); i++) {
                Address a = l.get(i);
                sb.append(ifindex.get(dv)).append(": ").append(dv).append("    inet ").append(a.prefix())
                        .append(" scope ").append(IpArgs.scopeName(a.scope())).append(' ');
                if (sec[i]) sb.append("secondary ");
                sb.append(dv).append(TAIL).append('\n');
            }
        }
        return sb.toString();
    }

    private static final Pattern LINE = Pattern.compile(
            "(\\d{1,9}): (\\S+)    inet (\\S+) scope (global|link|host) (secondary )?(\\S+)" + Pattern.quote(TAIL));
    private static final Pattern INET6 = Pattern.compile("\\d{1,9}: \\S+    inet6 .*");

    public static Dump read(String text, String file) {
        List<Address> out = new ArrayList<>();
        Map<String, Integer> idx = new LinkedHashMap<>();
        List<Boolean> secFlags = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) n--;
        for (int i = 0; i < n; i++) {
            SourceRef where = SourceRef.of(file, i + 1);
            String l = lines[i];
            if (INET6.matcher(l).matches()) continue;
            Matcher m = LINE.matcher(l);
            if (!m.matches())
                throw new ParseError(where, "expected 'IDX: DEV    inet A.B.C.D/LEN scope global|link|host [secondary ]DEV"
                        + TAIL.replace("\\", "\\\\") + "' (other flags, brd, labels and lifetimes are not modelled)");
            String dev = m.group(2);
            if (!m.group(6).equals(dev)) throw new ParseError(where.atColumn(m.start(6) + 1), "address labels are not modelled; expected '" + dev + "'");
            int index = Integer.parseInt(m.group(1));
            Integer old = idx.putIfAbsent(dev, index);
            if (old != null && old != index) throw new ParseError(where, "device " + dev + " listed with ifindex " + old + " and " + index);
            if (idx.entrySet().stream().anyMatch(e -> e.getValue() == index && !e.getKey().equals(dev)))
                throw new ParseError(where, "ifindex " + index + " used by two devices");
            Prefix p;
            try {
                if (m.group(3).indexOf('/') < 0) throw new IllegalArgumentException();
                p = Prefix.parse(m.group(3));
            } catch (IllegalArgumentException e) {
                throw new ParseError(where.atColumn(m.start(3) + 1), "expected A.B.C.D/LEN, got '" + m.group(3) + "'");
            }
            Address.Scope s = switch (m.group(4)) {
                case "global" -> Address.Scope.GLOBAL;
                case "link" -> Address.Scope.LINK;
                default -> Address.Scope.HOST;
            };
            out.add(new Address(p, dev, s));
            secFlags.add(m.group(5) != null);
        }
        // the secondary flag is the kernel's conclusion from the order; check it agrees
        Map<String, List<Integer>> byDev = new LinkedHashMap<>();
        for (int i = 0; i < out.size(); i++) byDev.computeIfAbsent(out.get(i).device(), k -> new ArrayList<>()).add(i);
        for (List<Integer> ix : byDev.values()) {
            List<Address> l = new ArrayList<>();
            for (int i : ix) l.add(out.get(i));
            boolean[] sec = Fib.secondaries(l);
            for (int j = 0; j < ix.size(); j++)
                if (sec[j] != secFlags.get(ix.get(j)))
                    throw new ParseError(SourceRef.of(file, lineOf(lines, n, out.get(ix.get(j)))),
                            "the secondary flag disagrees with the addresses before it on the device");
        }
        return new Dump(out, idx);
    }

    private static int lineOf(String[] lines, int n, Address a) {
        for (int i = 0; i < n; i++) if (lines[i].contains(" inet " + a.prefix() + " ")) return i + 1;
        return 0;
    }
}
