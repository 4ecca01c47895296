package io.fnlab.model.format.iproute;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * `ip route show [table T]` (iproute2 6.1, IPv4): "[TYPE ]DST [via GW] [dev D] [proto kernel]
 * [scope S] [src A] [metric N] " per route, in the FIB's dump order. Routes the kernel derives
 * from addresses ("proto kernel") are kept apart from configured ones: the model's route list
 * holds what was configured, {@link Fib#connected} what the kernel adds.
 */
public final class IpRouteShow {
    private IpRouteShow() {}

    /** Configured routes and kernel (connected) routes of one table, as listed. */
    public record Dump(List<Route> routes, List<Route> kernel) {
        public Dump {
            routes = List.copyOf(routes);
            kernel = List.copyOf(kernel);
        }
    }

    /** The table as ip prints it: configured routes of that table, plus connected routes for main. */
    public static String write(List<Route> routes, List<Address> addresses, String table) {
        List<Route> l = new ArrayList<>();
        List<Route> kernel = table.equals("main") ? Fib.connected(addresses) : List.of();
        for (Route r : routes) if (r.table().equals(table)) l.add(r);
        int user = l.size();
        l.addAll(kernel);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) order.add(i);
        order.sort((x, y) -> Fib.DUMP_ORDER.compare(l.get(x), l.get(y)));
        StringBuilder sb = new StringBuilder();
        for (int i : order) line(sb, l.get(i), i >= user);
        return sb.toString();
    }

    public static String write(Dump d) {
        List<Route> l = new ArrayList<>(d.routes());
        int user = l.size();
        l.addAll(d.kernel());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) order.add(i);
        order.sort((x, y) -> Fib.DUMP_ORDER.compare(l.get(x), l.get(y)));
        StringBuilder sb = new StringBuilder();
        for (int i : order) line(sb, l.get(i), i >= user);
        return sb.toString();
    }

    private static void line(StringBuilder sb, Route r, boolean kernel) {
        if (r.type() != Route.Type.UNICAST) sb.append(r.type().name().toLowerCase(Locale.ROOT)).append(' ');
        Prefix d = r.destination();
        if (d.length() == 0) sb.append("default");
        else if (d.length() == 32) sb.append(d.address());
        else sb.append(d);
        sb.append(' ');
        if (r.via() != null) sb.append("via ").append(r.via()).append(' ');
        if (r.device() != null) sb.append("dev ").append(r.device()).append(' ');
        if (kernel) sb.append("proto kernel ");
        if (r.scope() != Address.Scope.GLOBAL) sb.append("scope ").append(IpArgs.scopeName(r.scope())).append(' ');
        if (r.src() != null) sb.append("src ").append(r.src()).append(' ');
        if (r.metric() != 0) sb.append("metric ").append(Integer.toUnsignedString(r.metric())).append(' ');
        sb.append('\n');
    }

    /** Reads the listing of one table (the table is not printed in it, so it is given). */
    public static Dump read(String text, String file, String table) {
        List<Route> routes = new ArrayList<>(), kernel = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) n--;
        for (int li = 0; li < n; li++) {
            SourceRef where = SourceRef.of(file, li + 1);
            String line = lines[li];
            if (!line.endsWith(" ")) throw new ParseError(where.atColumn(line.length() + 1), "expected the trailing space ip prints");
            String[] w = line.substring(0, line.length() - 1).split(" ", -1);
            int i = 0, col = 1;
            Route.Type type = Route.Type.UNICAST;
            switch (w[0]) {
                case "local", "broadcast", "blackhole", "unreachable", "prohibit", "throw" -> {
                    type = Route.Type.valueOf(w[0].toUpperCase(Locale.ROOT));
                    i++;
                }
                default -> { }
            }
            if (i >= w.length) throw new ParseError(where, "expected a destination");
            Prefix dst;
            try {
                dst = w[i].equals("default") ? Prefix.ANY : Prefix.parse(w[i]);
                if (w[i].contains("/") && dst.length() == 32) throw new IllegalArgumentException();
                if (!dst.equals(dst.network())) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                throw new ParseError(where.atColumn(col(w, i)), "expected 'default', A.B.C.D or A.B.C.D/LEN (LEN < 32, host bits clear), got '" + w[i] + "'");
            }
            i++;
            Ipv4 via = null, src = null;
            String dev = null;
            boolean isKernel = false;
            Address.Scope scope = Address.Scope.GLOBAL;
            int metric = 0;
            String last = "";
            for (; i < w.length; i += 2) {
                String k = w[i];
                int c = col(w, i);
                if (i + 1 >= w.length) throw new ParseError(where.atColumn(c), "expected a value after '" + k + "'");
                String v = w[i + 1];
                if (order(k) <= order(last)) throw new ParseError(where.atColumn(c), "'" + k + "' out of ip's order (via dev proto scope src metric)");
                last = k;
                try {
                    switch (k) {
                        case "via" -> via = Ipv4.parse(v);
                        case "dev" -> {
                            if (v.isEmpty()) throw new IllegalArgumentException();
                            dev = v;
                        }
                        case "proto" -> {
                            if (!v.equals("kernel")) throw new ParseError(where.atColumn(c), "route proto " + v + " is not modelled (only kernel)");
                            isKernel = true;
                        }
                        case "scope" -> scope = switch (v) {
                            case "link" -> Address.Scope.LINK;
                            case "host" -> Address.Scope.HOST;
                            default -> throw new ParseError(where.atColumn(c), "expected scope link or host, got '" + v + "'");
                        };
                        case "src" -> src = Ipv4.parse(v);
                        case "metric" -> {
                            if (v.isEmpty() || v.length() > 10 || !v.chars().allMatch(Character::isDigit) || Long.parseLong(v) > 0xffffffffL || v.equals("0"))
                                throw new IllegalArgumentException();
                            metric = (int) Long.parseLong(v);
                        }
                        default -> throw new ParseError(where.atColumn(c), "expected via, dev, proto, scope, src or metric, got '" + k
                                + "' (flags such as linkdown and onlink are not modelled)");
                    }
                } catch (IllegalArgumentException e) {
                    throw new ParseError(where.atColumn(c), "bad value '" + v + "' for " + k);
                }
            }
            boolean needsDev = type == Route.Type.UNICAST || type == Route.Type.LOCAL || type == Route.Type.BROADCAST;
            if (needsDev && dev == null) throw new ParseError(where, "expected 'dev DEV' on a " + type.name().toLowerCase(Locale.ROOT) + " route");
            Route r = new Route(type, dst, via, dev, src, metric, table, scope);
            (isKernel ? kernel : routes).add(r);
        }
        return new Dump(routes, kernel);
    }

    private static int order(String k) {
        return switch (k) {
            case "" -> 0;
            case "via" -> 1;
            case "dev" -> 2;
            case "proto" -> 3;
            case "scope" -> 4;
            case "src" -> 5;
            case "metric" -> 6;
            default -> 7;
        };
    }

    private static int col(String[] w, int i) {
        int c = 1;
        for (int j = 0; j < i; j++) c += w[j].length() + 1;
        return c;
    }
}
