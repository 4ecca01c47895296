package io.fnlab.model.format.scenario;

import io.fnlab.model.format.scenario.YamlNode.YMap;
import io.fnlab.model.format.scenario.YamlNode.YScalar;
import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.ExpectedCause;
import io.fnlab.model.scenario.Expectation;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.HostConfigBuilder;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Segment;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.model.sysctl.Sysctls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a scenario file (the YAML format of docs/scenario-format.md) into a {@link Scenario},
 * applying each host's interfaces, routes, sysctls and config items, in that order, to a
 * {@link HostConfigBuilder}. Every problem is a {@link ParseError} naming file, line and column.
 */
public final class ScenarioReader {
    static final List<String> TOP = List.of("name", "description", "teaches", "expect", "segments", "hosts", "servers",
            "traffic", "expectations");
    static final List<String> EXPECT = List.of("verdict", "causes");
    static final List<String> CAUSE = List.of("kind", "subject", "note");
    static final List<String> SEGMENT = List.of("name");
    static final List<String> HOST = List.of("name", "role", "interfaces", "routes", "sysctls", "config");
    static final List<String> IFACE = List.of("name", "kind", "segment", "addresses", "mac", "mtu");
    static final List<String> ADDRESS = List.of("address", "scope");
    static final List<String> ROUTE = List.of("to", "via", "dev", "src", "metric", "table", "type", "scope");
    static final List<String> CONFIG = List.of("kind", "text", "file");
    static final List<String> SERVER = List.of("host", "proto", "port", "bind", "response");
    static final List<String> FLOW = List.of("id", "from", "proto", "to", "sport", "request", "close", "repeat", "start");
    static final List<String> EXPECTATION = List.of("flow", "outcome", "server-sees-source", "served-by", "endpoint");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
    private static final Pattern CAUSE_KIND = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
    private static final long MAX_CONFIG_BYTES = 64L << 20;
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s)?");

    private final String file;
    private final Path dir;
    private final Toolbox tools;

    private ScenarioReader(Path path, Toolbox tools) {
        this.tools = tools;
        this.file = path.toString();
        Path parent = path.toAbsolutePath().getParent();
        this.dir = parent == null ? Path.of(".") : parent;
    }

    /** Reads and checks a scenario file; config files it names are read relative to its directory. */
    public static Scenario read(Path file) {
        return read(file, Toolbox.discovered());
    }

    /** As {@link #read(Path)}, applying host configs with the given tools. */
    public static Scenario read(Path file, Toolbox tools) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            throw new ParseError(new SourceRef(file.toString(), 0, 0), "cannot read the scenario file: " + e.getMessage());
        }
        return parse(decode(bytes, file.toString()), file, tools);
    }

    /** Parses text as if read from file (file gives locations and the directory for `file:` items). */
    public static Scenario parse(String text, Path file) {
        return parse(text, file, Toolbox.discovered());
    }

    public static Scenario parse(String text, Path file, Toolbox tools) {
        return new ScenarioReader(file, tools).scenario(YamlTree.parse(file.toString(), text.replace("\r\n", "\n")));
    }

    static String decode(byte[] bytes, String file) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            throw new ParseError(new SourceRef(file, 1, 1), "not UTF-8 text");
        }
    }

    // ---------------------------------------------------------------------------------------

    private Scenario scenario(YamlNode root) {
        YamlObject o = new YamlObject(root, "the scenario", TOP);
        String name = o.string("name");
        String description = o.string("description", "");
        String teaches = o.string("teaches", "");

        String verdict = "holds";
        List<ExpectedCause> causes = new ArrayList<>();
        if (o.has("expect")) {
            YamlObject e = new YamlObject(o.node("expect"), "expect", EXPECT);
            verdict = e.string("verdict").strip().toLowerCase(Locale.ROOT);
            if (!verdict.equals("holds") && !verdict.equals("fails"))
                throw new ParseError(e.at("verdict"), "expect: verdict must be 'holds' or 'fails', got '" + verdict + "'");
            for (YamlNode n : e.list("causes")) {
                YamlObject c = new YamlObject(n, "a cause", CAUSE);
                String kind = c.string("kind");
                if (!CAUSE_KIND.matcher(kind).matches())
                    throw new ParseError(c.at("kind"), "a cause: kind must be lowercase words joined by '-' (like missing-chain), got '" + kind + "'");
                causes.add(new ExpectedCause(kind, c.string("subject"), c.string("note", ""), c.where()));
            }
            if (verdict.equals("fails") && causes.isEmpty())
                throw new ParseError(e.where(), "expect: a scenario that fails must list the causes its findings must name ('causes:')");
            if (verdict.equals("holds") && !causes.isEmpty())
                throw new ParseError(e.at("causes"), "expect: a scenario that holds has no causes");
        }

        Map<String, Segment> segments = new LinkedHashMap<>();
        for (YamlNode n : o.list("segments")) {
            String s;
            SourceRef at;
            if (n instanceof YScalar sc && sc.type() != YScalar.Type.NULL) {
                s = sc.text();
                at = sc.where();
            } else {
                YamlObject so = new YamlObject(n, "a segment", SEGMENT);
                s = so.string("name");
                at = so.at("name");
            }
            checkName(s, at, "segment");
            if (segments.put(s, new Segment(s)) != null) throw new ParseError(at, "segment '" + s + "' is defined twice");
        }

        List<YamlNode> hostNodes = o.list("hosts");
        if (hostNodes.isEmpty()) throw new ParseError(o.has("hosts") ? o.at("hosts") : o.where(), "the scenario: 'hosts' must list at least one host");
        Map<String, Host> hosts = new LinkedHashMap<>();
        for (YamlNode n : hostNodes) {
            Host h = host(n, segments);
            if (hosts.containsKey(h.name())) throw new ParseError(h.source(), "host '" + h.name() + "' is defined twice");
            hosts.put(h.name(), h);
        }

        List<Server> servers = new ArrayList<>();
        for (YamlNode n : o.list("servers")) {
            YamlObject s = new YamlObject(n, "a server", SERVER);
            String host = hostRef(s, "host", hosts);
            Protocol proto = proto(s);
            int port = s.integer("port", 1, 65535);
            Ipv4 bind = s.parsed("bind", Ipv4::parse, "an IPv4 address", null);
            servers.add(new Server(host, proto, bind, port, s.string("response", "")));
        }

        List<Traffic> traffic = new ArrayList<>();
        Set<String> flowIds = new LinkedHashSet<>();
        for (YamlNode n : o.list("traffic")) {
            YamlObject f = new YamlObject(n, "a flow", FLOW);
            String id = f.string("id");
            checkName(id, f.at("id"), "flow id");
            if (!flowIds.add(id)) throw new ParseError(f.at("id"), "flow id '" + id + "' is used twice");
            String from = hostRef(f, "from", hosts);
            Protocol proto = proto(f);
            Endpoint to = f.parsed("to", Endpoint::parse, "ADDRESS:PORT (like 10.1.1.1:80)");
            if (to.port() == 0) throw new ParseError(f.at("to"), "a flow: port 0 is not a destination port");
            Integer sport = f.integer("sport", 1, 65535, null);
            int repeat = f.integer("repeat", 1, 10000, 1);
            if (sport != null && sport + repeat - 1 > 65535)
                throw new ParseError(f.at("repeat"), "a flow: repeat " + repeat + " from sport " + sport
                        + " runs past port 65535 (the k-th connection uses sport+k-1); expected at most " + (65536 - sport));
            traffic.add(new Traffic.Flow(id, from, proto, to, sport, f.string("request", ""), f.bool("close", true),
                    repeat, startMillis(f), f.where()));
        }

        List<Expectation> expectations = new ArrayList<>();
        for (YamlNode n : o.list("expectations")) {
            YamlObject e = new YamlObject(n, "an expectation", EXPECTATION);
            String flow = e.string("flow");
            if (!flowIds.contains(flow))
                throw new ParseError(e.at("flow"), "an expectation for flow '" + flow + "', which 'traffic' does not define"
                        + (flowIds.isEmpty() ? "" : "; flows: " + String.join(", ", flowIds)));
            int before = expectations.size();
            if (e.has("outcome")) {
                String t = e.string("outcome").strip();
                Outcome out;
                try {
                    out = Outcome.valueOf(t.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException x) {
                    throw new ParseError(e.at("outcome"), "an expectation: outcome must be established, reset, refused or timeout, got '" + t + "'");
                }
                expectations.add(new Expectation.FlowOutcome(flow, out, e.at("outcome")));
            }
            if (e.has("server-sees-source"))
                expectations.add(new Expectation.ServerSeesSource(flow,
                        e.parsed("server-sees-source", Ipv4::parse, "an IPv4 address"), e.at("server-sees-source")));
            if (e.has("served-by")) {
                String host = hostRef(e, "served-by", hosts);
                Endpoint ep = e.parsed("endpoint", Endpoint::parse, "ADDRESS:PORT", null);
                expectations.add(new Expectation.ServedBy(flow, host, ep, e.at("served-by")));
            } else if (e.has("endpoint")) {
                throw new ParseError(e.keyAt("endpoint"), "an expectation: 'endpoint' only goes with 'served-by'");
            }
            if (expectations.size() == before)
                throw new ParseError(e.where(), "an expectation needs at least one of outcome, server-sees-source, served-by");
        }

        return new Scenario(name, description, teaches, verdict, List.copyOf(segments.values()), List.copyOf(hosts.values()),
                servers, traffic, expectations, file, causes);
    }

    private Host host(YamlNode n, Map<String, Segment> segments) {
        YamlObject h = new YamlObject(n, "a host", HOST);
        String name = h.string("name");
        checkName(name, h.at("name"), "host");
        String what = "host '" + name + "'";
        String role = h.string("role", "host");
        HostConfigBuilder b = new HostConfigBuilder();

        List<Interface> ifaces = new ArrayList<>();
        Map<String, Interface> byName = new LinkedHashMap<>();
        for (YamlNode in : h.list("interfaces")) {
            YamlObject i = new YamlObject(in, "an interface of " + what, IFACE);
            String iname = i.string("name");
            if (!IFNAME.matcher(iname).matches())
                throw new ParseError(i.at("name"), "interface name '" + iname + "' is not a Linux device name (1-15 of A-Z a-z 0-9 _ . -)");
            if (byName.containsKey(iname)) throw new ParseError(i.at("name"), what + " has interface '" + iname + "' twice");
            String kt = i.string("kind", iname.equals("lo") ? "loopback" : "ethernet").strip().toLowerCase(Locale.ROOT);
            Interface.Kind kind = switch (kt) {
                case "ethernet" -> Interface.Kind.ETHERNET;
                case "dummy" -> Interface.Kind.DUMMY;
                case "ipip" -> Interface.Kind.IPIP;
                case "loopback" -> Interface.Kind.LOOPBACK;
                default -> throw new ParseError(i.at("kind"), "interface kind must be ethernet, dummy, ipip or loopback, got '" + kt + "'");
            };
            if (kind == Interface.Kind.LOOPBACK && !iname.equals("lo"))
                throw new ParseError(i.at("kind"), "the loopback device is called 'lo'");
            String segment = null;
            if (kind == Interface.Kind.ETHERNET) {
                segment = i.string("segment");
                if (!segments.containsKey(segment))
                    throw new ParseError(i.at("segment"), "interface " + iname + " of " + what + " is on segment '" + segment
                            + "', which 'segments' does not define" + (segments.isEmpty() ? "" : "; segments: " + String.join(", ", segments.keySet())));
            } else if (i.has("segment")) {
                throw new ParseError(i.keyAt("segment"), "a " + kt + " interface sits on no segment; only ethernet interfaces have one");
            }
            String mac = i.string("mac", null);
            if (mac != null && !MAC.matcher(mac).matches())
                throw new ParseError(i.at("mac"), "mac must look like 02:00:0a:01:01:01, got '" + mac + "'");
            if (mac != null && kind != Interface.Kind.ETHERNET)
                throw new ParseError(i.keyAt("mac"), "only ethernet interfaces have a MAC address");
            int dfltMtu = switch (kind) {
                case LOOPBACK -> 65536;
                case IPIP -> 1480;
                default -> 1500;
            };
            int mtu = i.integer("mtu", 68, 65536, dfltMtu);
            for (YamlNode an : i.list("addresses")) b.addresses.add(address(an, iname, what));
            Interface itf = new Interface(iname, kind, segment, mac == null ? null : mac.toLowerCase(Locale.ROOT), mtu);
            ifaces.add(itf);
            byName.put(iname, itf);
        }
        // Every namespace has lo with 127.0.0.1/8 (the kernel adds it when lo comes up).
        if (!byName.containsKey("lo")) {
            Interface lo = new Interface("lo", Interface.Kind.LOOPBACK, null, null, 65536);
            ifaces.add(0, lo);
            byName.put("lo", lo);
        }
        // The devices the ip tool sees, lo first (ifindex 1), so that `ip` checks device names.
        b.links.put("lo", byName.get("lo"));
        for (Interface itf : ifaces) b.links.putIfAbsent(itf.name(), itf);
        Prefix loopback = Prefix.parse("127.0.0.1/8");
        if (b.addresses.stream().noneMatch(a -> a.device().equals("lo") && a.prefix().equals(loopback)))
            b.addresses.add(0, new Address(loopback, "lo", Address.Scope.HOST));

        for (YamlNode rn : h.list("routes")) b.routes.add(route(rn, byName, what));

        YMap sys = h.mapping("sysctls");
        if (sys != null) {
            for (YMap.Entry e : sys.entries().values()) {
                if (!(e.value() instanceof YScalar s) || s.type() == YScalar.Type.NULL)
                    throw new ParseError(e.value().where(), what + ": sysctl " + e.key() + " must have a value, got " + e.value().kindName());
                String key = Sysctls.normalise(e.key());
                if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace))
                    throw new ParseError(e.keyAt(), what + ": bad sysctl name '" + e.key() + "'");
                b.sysctls.put(key, s.text().strip());
            }
        }

        for (YamlNode cn : h.list("config")) config(cn, b, what);

        return new Host(name, role, ifaces, b.build(), h.where());
    }

    private Address address(YamlNode n, String dev, String what) {
        YamlObject a = null;
        YamlNode text = n;
        Address.Scope scope = Address.Scope.GLOBAL;
        if (!(n instanceof YScalar)) {
            a = new YamlObject(n, "an address of " + what, ADDRESS);
            text = a.required("address");
            scope = a.parsed("scope", s -> Address.Scope.valueOf(s.toUpperCase(Locale.ROOT)), "global, link or host", Address.Scope.GLOBAL);
        }
        String t = text instanceof YScalar s && s.type() == YScalar.Type.STRING ? s.text().strip() : null;
        if (t == null) throw new ParseError(text.where(), what + ": an address must be text like 10.1.1.1/24, got " + text.kindName());
        if (t.indexOf('/') < 0) throw new ParseError(text.where(), what + ": write the prefix length too (like " + t + "/24 or " + t + "/32)");
        try {
            return new Address(Prefix.parse(t), dev, scope);
        } catch (IllegalArgumentException e) {
            throw new ParseError(text.where(), what + ": not an address/prefix: '" + t + "'");
        }
    }

    private Route route(YamlNode n, Map<String, Interface> ifaces, String what) {
        YamlObject r = new YamlObject(n, "a route of " + what, ROUTE);
        Prefix to = r.parsed("to", s -> s.equals("default") ? Prefix.ANY : Prefix.parse(s), "'default' or a prefix like 10.0.0.0/8");
        Ipv4 via = r.parsed("via", Ipv4::parse, "an IPv4 address", null);
        String dev = r.string("dev", null);
        if (dev != null && !ifaces.containsKey(dev))
            throw new ParseError(r.at("dev"), what + " has no interface '" + dev + "'; interfaces: " + String.join(", ", ifaces.keySet()));
        Route.Type type = r.parsed("type", s -> Route.Type.valueOf(s.toUpperCase(Locale.ROOT)),
                "one of unicast, local, broadcast, blackhole, unreachable, prohibit, throw", Route.Type.UNICAST);
        if (via == null && dev == null && type == Route.Type.UNICAST)
            throw new ParseError(r.where(), "a route of " + what + " needs 'via' or 'dev'");
        Ipv4 src = r.parsed("src", Ipv4::parse, "an IPv4 address", null);
        int metric = r.integer("metric", 0, Integer.MAX_VALUE, 0);
        String table = r.string("table", "main").strip();
        if (!table.equals("main") && !table.equals("local") && !table.matches("[0-9]{1,9}"))
            throw new ParseError(r.at("table"), "table must be main, local or a number, got '" + table + "'");
        Address.Scope scope = r.parsed("scope", s -> Address.Scope.valueOf(s.toUpperCase(Locale.ROOT)), "global, link or host", null);
        return new Route(type, to, via, dev, src, metric, table, scope);
    }

    private void config(YamlNode n, HostConfigBuilder b, String what) {
        YamlObject c = new YamlObject(n, "a config item of " + what, CONFIG);
        String kind = c.string("kind").strip();
        ConfigFormat format = tools.format(kind, c.at("kind"));
        if (c.has("text") == c.has("file"))
            throw new ParseError(c.where(), "a config item needs exactly one of 'text' (inline) or 'file' (relative to the scenario)");
        String text, source;
        if (c.has("text")) {
            YamlNode tn = c.node("text");
            text = c.text(tn, "text");
            YScalar s = (YScalar) tn;
            if (s.style() == '>')
                throw new ParseError(s.where(), "write config text as a '|' block: '>' folds its lines into one");
            // Pad so that line N of the text is reported as line N of the scenario file; a
            // script also gets its indentation back, so that columns are the file's too.
            String body = kind.equals("script") && s.textColumn() > 1 ? indent(text, s.textColumn() - 1) : text;
            text = "\n".repeat(Math.max(0, s.textLine() - 1)) + body;
            source = file;
        } else {
            String rel = c.string("file").strip();
            Path p;
            try {
                p = dir.resolve(rel).normalize();
            } catch (RuntimeException e) {
                throw new ParseError(c.at("file"), "not a file name: '" + rel + "'");
            }
            if (!Files.isRegularFile(p))
                throw new ParseError(c.at("file"), "config file '" + rel + "' is not a regular file (looked for " + p + ")");
            try {
                if (Files.size(p) > MAX_CONFIG_BYTES)
                    throw new ParseError(c.at("file"), "config file '" + rel + "' is larger than " + MAX_CONFIG_BYTES + " bytes");
                text = decode(Files.readAllBytes(p), rel).replace("\r\n", "\n");
            } catch (IOException | RuntimeException e) {
                if (e instanceof ParseError pe)
                    throw pe.where().line() == 1 && pe.problem().equals("not UTF-8 text") ? new ParseError(c.at("file"), rel + ": not UTF-8 text") : pe;
                throw new ParseError(c.at("file"), "cannot read config file '" + rel + "' (looked for " + p + ")");
            }
            source = Path.of(file).resolveSibling(rel).normalize().toString();
        }
        try {
            format.apply(b, text, source);
        } catch (ParseError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ParseError(c.at("kind"), "fnlab's reader of '" + kind + "' failed (a bug in fnlab): " + e);
        }
    }

    private static String indent(String text, int n) {
        String pad = " ".repeat(n);
        String[] lines = text.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < lines.length; k++) {
            if (k > 0) sb.append('\n');
            if (!lines[k].isEmpty()) sb.append(pad).append(lines[k]);
        }
        return sb.toString();
    }

    private String hostRef(YamlObject o, String key, Map<String, Host> hosts) {
        String h = o.string(key);
        if (!hosts.containsKey(h))
            throw new ParseError(o.at(key), "'" + key + "' names host '" + h + "', which 'hosts' does not define; hosts: "
                    + String.join(", ", hosts.keySet()));
        return h;
    }

    private static Protocol proto(YamlObject o) {
        String p = o.string("proto", "tcp").strip().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new ParseError(o.at("proto"), "proto must be tcp or udp, got '" + p + "'");
        };
    }

    private static long startMillis(YamlObject f) {
        YamlNode n = f.node("start");
        if (n == null) return 0;
        String t = f.text(n, "start").strip();
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) throw new ParseError(n.where(), "a flow: start must be milliseconds or a duration like 500ms or 2s, got '" + t + "'");
        long v = Long.parseLong(m.group(1));
        return "s".equals(m.group(2)) ? v * 1000 : v;
    }

    private static void checkName(String s, SourceRef at, String what) {
        if (!NAME.matcher(s).matches())
            throw new ParseError(at, what + " name '" + s + "' must start with a letter or digit and hold only letters, digits, _ . -");
    }
}
