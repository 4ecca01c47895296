package io.fnlab.model.format.iproute;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.PolicyRule;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.HostConfigBuilder;
import io.fnlab.model.scenario.Interface;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * `ip addr|route|rule|link ...` (iproute2 6.1) applied to a host the way the kernel takes it:
 * address order and secondaries (devinet.c), connected routes, gateway and prefsrc checks
 * (fib_semantics.c), EEXIST/ESRCH on duplicates and misses, policy rule priorities
 * (fib_rules.c). Errors carry ip's own messages. Show/list/help commands change nothing.
 *
 * <p>Not modelled (ParseError): IPv6, labels, brd/peer, route proto other than boot, onlink,
 * multipath, route change/append/flush, link types other than dummy and ipip. Devices are
 * assumed up. Device names are checked only when the host's links are known (they hold lo).
 */
public final class IpCommand implements ToolCommand {
    @Override
    public String tool() {
        return "ip";
    }

    @Override
    public Optional<Diagnostic> apply(HostConfigBuilder host, List<String> argv, SourceRef where) {
        try {
            String warning = run(host, argv);
            if (warning != null) return Optional.of(new Diagnostic(Diagnostic.Severity.WARNING, where, "ip", warning));
            return Optional.empty();
        } catch (IpFailure.NotModelled e) {
            throw new ParseError(where, e.getMessage());
        } catch (IpFailure e) {
            return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "ip", e.getMessage()));
        }
    }

    /** Returns a warning ip prints on success, or null. */
    static String run(HostConfigBuilder h, List<String> argv) {
        int i = 0;
        while (i < argv.size() && argv.get(i).startsWith("-")) {
            String o = argv.get(i);
            switch (o) {
                case "-4", "-o", "-oneline", "-d", "-details", "-s", "-stats", "-c", "-color", "-br", "-brief", "-j", "-json", "-p", "-pretty" -> i++;
                case "-6" -> throw new IpFailure.NotModelled("IPv6 (ip -6) is not modelled by fnlab");
                default -> throw new IpFailure.NotModelled("ip option " + o + " is not modelled by fnlab");
            }
        }
        if (i >= argv.size()) throw new IpFailure("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }");
        String obj = argv.get(i);
        List<String> a = argv.subList(i + 1, argv.size());
        if (IpArgs.matches(obj, "address")) return addr(h, a);
        if (IpArgs.matches(obj, "route")) return route(h, a);
        if (IpArgs.matches(obj, "rule")) return rule(h, a);
        if (IpArgs.matches(obj, "link")) return link(h, a);
        if (List.of("addrlabel", "maddress", "neighbor", "neighbour", "ntable", "tunnel", "tuntap", "netns", "nexthop", "vrf",
                "xfrm", "mroute", "mrule", "monitor", "netconf", "tcpmetrics", "token", "fou", "l2tp", "sr", "mptcp", "stats",
                "help").stream().anyMatch(w -> IpArgs.matches(obj, w)))
            throw new IpFailure.NotModelled("ip " + obj + " is not modelled by fnlab");
        throw new IpFailure("Object \"" + obj + "\" is unknown, try \"ip help\".");
    }

    /**
     * Device names are checked once the host's devices are known, that is when its links hold
     * the loopback device (a scenario's topology always has lo); a script applied without a
     * topology is not refused for devices fnlab cannot know about.
     */
    static boolean devicesKnown(HostConfigBuilder h) {
        return h.links.containsKey("lo");
    }

    private static void needDev(HostConfigBuilder h, String dev) {
        if (devicesKnown(h) && !h.links.containsKey(dev)) throw IpFailure.noDevice(dev);
    }

    // ------------------------------------------------------------------ ip addr

    private static String addr(HostConfigBuilder h, List<String> a) {
        if (a.isEmpty()) return null; // ip addr = show
        String cmd = a.get(0);
        boolean add = IpArgs.matches(cmd, "add"), del = IpArgs.matches(cmd, "delete");
        if (cmd.equals("show") || IpArgs.matches(cmd, "list") || cmd.equals("lst") || IpArgs.matches(cmd, "help")) return null;
        if (IpArgs.matches(cmd, "flush")) {
            String dev = a.size() >= 3 && a.get(1).equals("dev") ? a.get(2) : a.size() == 2 ? a.get(1) : null;
            if (dev == null || a.size() > 3) throw new IpFailure.NotModelled("ip addr flush takes only 'dev DEV' in fnlab");
            needDev(h, dev);
            h.addresses.removeIf(x -> x.device().equals(dev));
            return null;
        }
        if (!add && !del && !IpArgs.matches(cmd, "replace") && !IpArgs.matches(cmd, "change"))
            throw new IpFailure("Command \"" + cmd + "\" is unknown, try \"ip address help\".");
        if (!add && !del) throw new IpFailure.NotModelled("ip addr " + cmd + " is not modelled by fnlab");
        Prefix local = null;
        String dev = null;
        Address.Scope scope = null;
        for (int i = 1; i < a.size(); i++) {
            String w = a.get(i);
            switch (w) {
                case "dev" -> dev = IpArgs.next(a, i++);
                case "scope" -> scope = IpArgs.scope(IpArgs.next(a, i++), "invalid scope value.");
                case "label", "broadcast", "brd", "peer", "anycast", "valid_lft", "preferred_lft", "metric", "priority", "proto" ->
                        throw new IpFailure.NotModelled("ip addr " + w + " is not modelled by fnlab");
                case "home", "nodad", "optimistic", "mngtmpaddr", "noprefixroute", "autojoin" ->
                        throw new IpFailure.NotModelled("address flag " + w + " is not modelled by fnlab");
                default -> {
                    String v = w;
                    if (w.equals("local")) v = IpArgs.next(a, i++);
                    if (local != null) throw IpArgs.garbage("local", v);
                    local = IpArgs.prefix(v, false);
                }
            }
        }
        if (local == null) throw new IpFailure("Not enough information: \"dev\" argument is required.");
        if (dev == null) throw new IpFailure("Not enough information: \"dev\" argument is required.");
        needDev(h, dev);
        if (add) return addAddress(h, new Address(local, dev, scope == null ? Address.Scope.GLOBAL : scope));
        return delAddress(h, local, dev, a.stream().anyMatch(w -> w.contains("/")));
    }

    /**
     * __inet_insert_ifa's checks: the same address and prefix twice is EEXIST, a second address
     * of a subnet with another scope EINVAL. The model keeps addresses in the order they were
     * added; {@link Fib#kernelOrder} gives the order the kernel lists them in.
     */
    private static String addAddress(HostConfigBuilder h, Address n) {
        for (Address b : h.addresses) {
            if (!b.device().equals(n.device()) || !Fib.sameSubnet(b, n)) continue;
            if (b.prefix().address().equals(n.prefix().address())) throw new IpFailure("Error: ipv4: Address already assigned.");
            if (b.scope() != n.scope()) throw new IpFailure("Error: ipv4: Invalid scope value.");
        }
        h.addresses.add(n);
        return null;
    }

    private static String delAddress(HostConfigBuilder h, Prefix p, String dev, boolean withLen) {
        // ipaddr_modify prints the wildcard warning before asking the kernel
        String warn = withLen ? null : "Warning: Executing wildcard deletion to stay compatible with old scripts.\n"
                + "         Explicitly specify the prefix length (" + p.address() + "/32) to avoid this warning.\n"
                + "         This special behaviour is likely to disappear in further releases,\n"
                + "         fix your scripts!";
        int found = -1;
        for (int i = 0; i < h.addresses.size(); i++) {
            Address b = h.addresses.get(i);
            if (!b.device().equals(dev) || !b.prefix().address().equals(p.address())) continue;
            if (withLen && b.prefix().length() != p.length()) continue;
            found = i;
            break;
        }
        if (found < 0) throw new IpFailure((warn == null ? "" : warn + "\n") + "Error: ipv4: Address not found.");
        Address gone = h.addresses.get(found);
        List<Address> devList = new ArrayList<>();
        for (Address x : h.addresses) if (x.device().equals(dev)) devList.add(x);
        boolean wasPrimary = !Fib.secondaries(devList)[devList.indexOf(gone)];
        h.addresses.remove(found);
        if (wasPrimary) {
            // __inet_del_ifa without promote_secondaries: the primary takes its secondaries along
            String v = h.sysctls.getOrDefault("net.ipv4.conf." + dev + ".promote_secondaries",
                    h.sysctls.getOrDefault("net.ipv4.conf.all.promote_secondaries", "0"));
            if (!v.trim().equals("0"))
                throw new IpFailure.NotModelled("promote_secondaries=1 is not modelled by fnlab");
            h.addresses.removeIf(x -> x.device().equals(dev) && Fib.sameSubnet(x, gone));
        }
        dropRoutesWithBadSource(h);
        return warn;
    }

    /** fib_del_ifaddr / fib_sync_down_addr: routes whose prefsrc is gone are flushed. */
    private static void dropRoutesWithBadSource(HostConfigBuilder h) {
        h.routes.removeIf(r -> r.src() != null && h.addresses.stream().noneMatch(x -> x.prefix().address().equals(r.src())));
    }

    // ------------------------------------------------------------------ ip route

    private static String route(HostConfigBuilder h, List<String> a) {
        if (a.isEmpty()) return null;
        String cmd = a.get(0);
        if (IpArgs.matches(cmd, "show") || IpArgs.matches(cmd, "list") || IpArgs.matches(cmd, "get") || IpArgs.matches(cmd, "help"))
            return null;
        boolean add = IpArgs.matches(cmd, "add"), del = IpArgs.matches(cmd, "delete"), replace = IpArgs.matches(cmd, "replace");
        if (!add && !del && !replace) {
            if (List.of("change", "append", "prepend", "flush", "save", "restore", "showdump").stream().anyMatch(w -> IpArgs.matches(cmd, w)))
                throw new IpFailure.NotModelled("ip route " + cmd + " is not modelled by fnlab");
            throw new IpFailure("Command \"" + cmd + "\" is unknown, try \"ip route help\".");
        }
        Route.Type type = null;
        Prefix dst = null;
        Ipv4 via = null, src = null;
        String dev = null, table = null;
        Long metric = null;
        Address.Scope scope = null;
        for (int i = 1; i < a.size(); i++) {
            String w = a.get(i);
            switch (w) {
                case "via" -> {
                    String v = IpArgs.next(a, i++);
                    if (v.equals("inet")) v = IpArgs.next(a, i++);
                    via = IpArgs.inet(v);
                }
                case "dev", "oif" -> dev = IpArgs.next(a, i++);
                case "src" -> src = IpArgs.inet(IpArgs.next(a, i++));
                case "metric", "priority", "preference" -> {
                    String v = IpArgs.next(a, i++);
                    long m = IpArgs.unsigned(v);
                    if (m < 0) throw IpArgs.invarg("\"metric\" value is invalid", v);
                    metric = m;
                }
                case "table" -> table = IpArgs.table(IpArgs.next(a, i++), "\"table\" value is invalid");
                case "scope" -> scope = IpArgs.scope(IpArgs.next(a, i++), "invalid \"scope\" value");
                case "proto", "protocol" -> {
                    String v = IpArgs.next(a, i++);
                    if (!v.equals("boot") && !v.equals("3"))
                        throw new IpFailure.NotModelled("route proto " + v + " is not modelled by fnlab (only the default, boot)");
                }
                case "onlink", "pervasive", "nexthop", "nhid", "encap", "mtu", "advmss", "realms", "tos", "dsfield", "weight",
                        "expires", "initcwnd", "initrwnd", "window", "rtt", "rttvar", "ssthresh", "cwnd", "hoplimit", "congctl",
                        "features", "quickack", "fastopen_no_cookie", "ttl-propagate", "vrf", "as", "pref", "reordering", "rto_min" ->
                        throw new IpFailure.NotModelled("ip route " + w + " is not modelled by fnlab");
                case "unicast", "local", "broadcast", "blackhole", "unreachable", "prohibit", "throw" -> {
                    if (dst != null || type != null) throw IpArgs.garbage("to", w);
                    type = switch (w) {
                        case "unicast" -> Route.Type.UNICAST;
                        case "local" -> Route.Type.LOCAL;
                        case "broadcast" -> Route.Type.BROADCAST;
                        case "blackhole" -> Route.Type.BLACKHOLE;
                        case "unreachable" -> Route.Type.UNREACHABLE;
                        case "prohibit" -> Route.Type.PROHIBIT;
                        default -> Route.Type.THROW;
                    };
                }
                case "multicast", "nat", "anycast" -> throw new IpFailure.NotModelled("route type " + w + " is not modelled by fnlab");
                default -> {
                    String v = w.equals("to") ? IpArgs.next(a, i++) : w;
                    if (dst != null) throw IpArgs.garbage("to", v);
                    dst = IpArgs.prefix(v, true);
                }
            }
        }
        if (dst == null) throw new IpFailure.NotModelled("ip route " + cmd + " without a destination is not modelled by fnlab");
        if (table == null) table = type == Route.Type.LOCAL || type == Route.Type.BROADCAST ? "local" : "main";
        if (dev != null) needDev(h, dev);
        // rtm_to_fib_config, for add and delete alike
        if (dst.address().bits() != dst.network().address().bits())
            throw new IpFailure("Error: Invalid prefix for given prefix length.");
        if (del) return delRoute(h, type, dst, via, dev, src, metric, table, scope);
        Route.Type t = type == null ? Route.Type.UNICAST : type;
        if (scope == null) {
            // iproute_modify's default scope
            if (t == Route.Type.LOCAL) scope = Address.Scope.HOST;
            else if (t == Route.Type.BROADCAST) scope = Address.Scope.LINK;
            else if (t == Route.Type.UNICAST && via == null) scope = Address.Scope.LINK;
            else scope = Address.Scope.GLOBAL;
        }
        boolean needsDev = t == Route.Type.UNICAST || t == Route.Type.LOCAL || t == Route.Type.BROADCAST;
        List<Route> all = allRoutes(h);
        if (needsDev) {
            if (via != null) {
                if (scope == Address.Scope.HOST) throw new IpFailure("Error: Route with host scope can not have a gateway.");
                String gwDev = Fib.gatewayDevice(all, via, dev, table, scope);
                if (gwDev == null) throw new IpFailure("Error: Nexthop has invalid gateway.");
                dev = gwDev;
            } else if (dev == null) {
                throw new IpFailure("RTNETLINK answers: No such device");
            }
        } else if (via != null || dev != null) {
            throw new IpFailure.NotModelled("a " + t.name().toLowerCase(java.util.Locale.ROOT) + " route with via/dev is not modelled by fnlab");
        }
        if (src != null && !validPrefsrc(h, all, src, table, t))
            throw new IpFailure("Error: Invalid prefsrc address.");
        int m = metric == null ? 0 : (int) (long) metric;
        Route r = new Route(t, dst, via, dev, src, m, table, scope);
        // fib_table_insert: an alias with the same table, prefix, tos and priority is "the same route"
        int same = -1;
        for (int i = 0; i < h.routes.size(); i++) {
            Route x = h.routes.get(i);
            if (x.table().equals(table) && x.destination().equals(dst) && x.metric() == m) {
                same = i;
                break;
            }
        }
        final Prefix d = dst;
        boolean kernelSame = table.equals("main") && Fib.connected(h.addresses).stream()
                .anyMatch(x -> x.destination().equals(d) && x.metric() == m);
        if (replace && same >= 0) {
            h.routes.set(same, r);
            return null;
        }
        if (!replace && (same >= 0 || kernelSame)) throw new IpFailure(IpFailure.EXISTS);
        if (replace && kernelSame) throw new IpFailure.NotModelled("replacing a connected (proto kernel) route is not modelled by fnlab");
        h.routes.add(r);
        return null;
    }

    /** fib_valid_prefsrc: the source must be a local address of the table (main uses local). */
    private static boolean validPrefsrc(HostConfigBuilder h, List<Route> all, Ipv4 src, String table, Route.Type t) {
        if (t == Route.Type.LOCAL) return true;
        String tb = table.equals("main") ? "local" : table;
        for (Route r : all) if (r.table().equals(tb) && r.type() == Route.Type.LOCAL && r.destination().contains(src)) return true;
        return false;
    }

    static List<Route> allRoutes(HostConfigBuilder h) {
        List<Route> all = new ArrayList<>(h.routes);
        all.addAll(Fib.connected(h.addresses));
        all.addAll(Fib.local(h.addresses));
        return all;
    }

    /** fib_table_delete: the first route of the table and prefix that matches every attribute given. */
    private static String delRoute(HostConfigBuilder h, Route.Type type, Prefix dst, Ipv4 via, String dev, Ipv4 src, Long metric,
                                   String table, Address.Scope scope) {
        // fib_get_table: tables other than main and local exist once a route went in. fnlab
        // counts a table as existing while it holds a route (the kernel keeps emptied tables).
        if (!table.equals("main") && !table.equals("local") && h.routes.stream().noneMatch(r -> r.table().equals(table)))
            throw new IpFailure("Error: FIB table does not exist.");
        for (int i = 0; i < h.routes.size(); i++) {
            Route r = h.routes.get(i);
            if (!r.table().equals(table) || !r.destination().equals(dst)) continue;
            if (type != null && r.type() != type) continue;
            if (via != null && !via.equals(r.via())) continue;
            if (dev != null && !dev.equals(r.device())) continue;
            if (src != null && !src.equals(r.src())) continue;
            if (metric != null && metric != 0 && r.metric() != (int) (long) metric) continue;
            if (scope != null && r.scope() != scope) continue;
            h.routes.remove(i);
            return null;
        }
        final Prefix d = dst;
        if (table.equals("main") && Fib.connected(h.addresses).stream().anyMatch(r -> r.destination().equals(d)))
            throw new IpFailure.NotModelled("deleting a connected (proto kernel) route is not modelled by fnlab");
        throw new IpFailure("RTNETLINK answers: No such process");
    }

    // ------------------------------------------------------------------ ip rule

    private static String rule(HostConfigBuilder h, List<String> a) {
        if (a.isEmpty()) return null;
        String cmd = a.get(0);
        if (IpArgs.matches(cmd, "show") || IpArgs.matches(cmd, "list") || IpArgs.matches(cmd, "help")) return null;
        boolean add = IpArgs.matches(cmd, "add"), del = IpArgs.matches(cmd, "delete");
        if (!add && !del) {
            if (IpArgs.matches(cmd, "flush") || IpArgs.matches(cmd, "save") || IpArgs.matches(cmd, "restore"))
                throw new IpFailure.NotModelled("ip rule " + cmd + " is not modelled by fnlab");
            throw new IpFailure("Command \"" + cmd + "\" is unknown, try \"ip rule help\".");
        }
        if (a.size() == 1) throw new IpFailure("\"ip rule " + (add ? "add" : "del") + "\" requires arguments.");
        boolean not = false;
        Prefix from = null, to = null;
        Long mark = null, mask = null, prio = null;
        String iif = null, oif = null, table = null;
        for (int i = 1; i < a.size(); i++) {
            String w = a.get(i);
            switch (w) {
                case "not" -> not = true;
                case "from" -> from = orNull(IpArgs.prefix(IpArgs.next(a, i++), true));
                case "to" -> to = orNull(IpArgs.prefix(IpArgs.next(a, i++), true));
                case "fwmark" -> {
                    String v = IpArgs.next(a, i++);
                    int s = v.indexOf('/');
                    long m = IpArgs.unsigned(s < 0 ? v : v.substring(0, s));
                    long k = s < 0 ? 0xffffffffL : IpArgs.unsigned(v.substring(s + 1));
                    if (m < 0 || k < 0) throw IpArgs.invarg("fwmark value is invalid\n", v);
                    mark = m;
                    mask = k == 0xffffffffL ? null : k;
                }
                case "iif", "dev" -> iif = IpArgs.next(a, i++);
                case "oif" -> oif = IpArgs.next(a, i++);
                case "priority", "preference", "order", "pref", "prio" -> {
                    String v = IpArgs.next(a, i++);
                    long p = IpArgs.unsigned(v);
                    if (p < 0) throw IpArgs.invarg("preference value is invalid\n", v);
                    prio = p;
                }
                case "table", "lookup" -> {
                    String v = IpArgs.next(a, i++);
                    try {
                        table = IpArgs.table(v, "invalid table ID\n");
                    } catch (IpFailure e) {
                        throw IpArgs.invarg("invalid table ID", v);
                    }
                }
                case "tos", "dsfield", "realms", "goto", "nop", "suppress_prefixlength", "suppress_ifgroup", "uidrange", "ipproto",
                        "sport", "dport", "l3mdev", "protocol", "nat", "map-to", "type", "blackhole", "unreachable", "prohibit" ->
                        throw new IpFailure.NotModelled("ip rule " + w + " is not modelled by fnlab");
                default -> throw IpArgs.invarg("Failed to parse rule type", w);
            }
        }
        List<PolicyRule> rules = h.rules;
        if (add) {
            String tb = table == null ? "main" : table;
            long pref;
            if (prio != null) pref = prio;
            else {
                // fib_default_rule_pref: one below the second rule (the first after "0: lookup local")
                List<Long> prefs = new ArrayList<>(List.of(0L, 32766L, 32767L));
                for (PolicyRule r : rules) prefs.add((long) r.priority() & 0xffffffffL);
                prefs.sort(null);
                long second = prefs.get(1);
                pref = second > 0 ? second - 1 : 0;
            }
            PolicyRule n = new PolicyRule((int) pref, not, from, to, mark, mask, iif, oif, tb);
            // rule_exists (fib_rules.c): priority, table, devices and mark must be equal; source and
            // destination only count when the new rule gives them (fib4_rule_compare); flags
            // such as "not" do not count at all
            for (PolicyRule r : rules)
                if (r.priority() == n.priority() && r.table().equals(tb) && java.util.Objects.equals(r.iif(), iif)
                        && java.util.Objects.equals(r.oif(), oif) && java.util.Objects.equals(r.fwmark(), mark)
                        && java.util.Objects.equals(r.fwmask(), mask) && (from == null || from.equals(r.from()))
                        && (to == null || to.equals(r.to())))
                    throw new IpFailure(IpFailure.EXISTS);
            int pos = rules.size();
            for (int i = 0; i < rules.size(); i++)
                if (Integer.toUnsignedLong(rules.get(i).priority()) > pref) {
                    pos = i;
                    break;
                }
            rules.add(pos, n);
            return null;
        }
        // rule_find walks every rule in priority order, the defaults (0 local, 32766 main, 32767
        // default) included; the first that matches every given selector goes
        List<PolicyRule> merged = new ArrayList<>(IpRuleShow.DEFAULTS);
        for (PolicyRule r : rules) {
            int pos = merged.size();
            for (int i = 0; i < merged.size(); i++)
                if (Integer.toUnsignedLong(merged.get(i).priority()) > Integer.toUnsignedLong(r.priority())) {
                    pos = i;
                    break;
                }
            merged.add(pos, r);
        }
        for (PolicyRule r : merged) {
            if (prio != null && Integer.toUnsignedLong(r.priority()) != prio) continue;
            if (table != null && !table.equals(r.table())) continue;
            if (from != null && !from.equals(r.from())) continue;
            if (to != null && !to.equals(r.to())) continue;
            if (mark != null && !mark.equals(r.fwmark())) continue;
            if (mask != null && !mask.equals(r.fwmask())) continue;
            if (iif != null && !iif.equals(r.iif())) continue;
            if (oif != null && !oif.equals(r.oif())) continue;
            if (IpRuleShow.DEFAULTS.contains(r) && !rules.contains(r))
                throw new IpFailure.NotModelled("this ip rule del matches the default rule " + r.priority()
                        + "; deleting the default rules is not modelled by fnlab");
            rules.remove(r);
            return null;
        }
        throw new IpFailure("RTNETLINK answers: No such file or directory");
    }

    private static Prefix orNull(Prefix p) {
        return p.length() == 0 ? null : p;
    }

    // ------------------------------------------------------------------ ip link

    private static String link(HostConfigBuilder h, List<String> a) {
        if (a.isEmpty()) return null;
        String cmd = a.get(0);
        if (IpArgs.matches(cmd, "show") || IpArgs.matches(cmd, "list") || IpArgs.matches(cmd, "help")) return null;
        if (IpArgs.matches(cmd, "add")) {
            String name = null, type = null;
            for (int i = 1; i < a.size(); i++) {
                String w = a.get(i);
                switch (w) {
                    case "name", "dev" -> name = IpArgs.next(a, i++);
                    case "type" -> type = IpArgs.next(a, i++);
                    default -> {
                        if (name != null) throw new IpFailure.NotModelled("ip link add option " + w + " is not modelled by fnlab");
                        name = w;
                    }
                }
            }
            if (name == null) throw new IpFailure("Not enough information: \"dev\" argument is required.");
            if (type == null) throw new IpFailure("Not enough information: \"type\" argument is required");
            Interface.Kind kind = switch (type) {
                case "dummy" -> Interface.Kind.DUMMY;
                case "ipip" -> Interface.Kind.IPIP;
                default -> throw new IpFailure.NotModelled("link type " + type + " is not modelled by fnlab (dummy and ipip are)");
            };
            if (h.links.containsKey(name)) throw new IpFailure(IpFailure.EXISTS);
            h.links.put(name, new Interface(name, kind, null, null, kind == Interface.Kind.IPIP ? 1480 : 1500));
            return null;
        }
        if (IpArgs.matches(cmd, "set")) {
            String dev = null;
            for (int i = 1; i < a.size(); i++) {
                String w = a.get(i);
                switch (w) {
                    case "dev" -> dev = IpArgs.next(a, i++);
                    case "up", "down", "arp", "multicast", "promisc", "allmulticast" -> {
                        if (!w.equals("up") && !w.equals("down")) i++;
                        if (w.equals("down")) throw new IpFailure.NotModelled("ip link set down is not modelled: fnlab keeps every device up");
                    }
                    case "mtu", "address", "name", "alias", "qlen", "txqueuelen", "master", "netns" ->
                            throw new IpFailure.NotModelled("ip link set " + w + " is not modelled by fnlab");
                    default -> {
                        if (dev != null) throw IpArgs.garbage("dev", w);
                        dev = w;
                    }
                }
            }
            if (dev == null) throw new IpFailure("Not enough information: \"dev\" argument is required.");
            needDev(h, dev);
            return null;
        }
        if (IpArgs.matches(cmd, "delete")) {
            String dev = a.size() >= 3 && a.get(1).equals("dev") ? a.get(2) : a.size() >= 2 ? a.get(1) : null;
            if (dev == null) throw new IpFailure("Not enough information: \"dev\" argument is required.");
            if (devicesKnown(h) && !h.links.containsKey(dev)) throw IpFailure.noDevice(dev);
            h.links.remove(dev);
            // unregistering a device flushes its addresses and every route through it
            h.addresses.removeIf(x -> x.device().equals(dev));
            h.routes.removeIf(r -> dev.equals(r.device()));
            dropRoutesWithBadSource(h);
            return null;
        }
        throw new IpFailure("Command \"" + cmd + "\" is unknown, try \"ip link help\".");
    }
}
