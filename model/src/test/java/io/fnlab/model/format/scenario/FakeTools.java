package io.fnlab.model.format.scenario;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Stand-ins for the real tool models (written by other helpers) so that scripts and scenario
 * files can be checked for structure. They record every call; iptables also knows which chains
 * exist, so that "No chain/target/match by that name" can be shown.
 */
final class FakeTools {
    record Call(String tool, List<String> argv, SourceRef where) {}

    static final List<Call> CALLS = Collections.synchronizedList(new ArrayList<>());
    static final Map<HostConfigBuilder, Set<String>> CHAINS = Collections.synchronizedMap(new WeakHashMap<>());
    static final Set<String> BUILTIN = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");
    static final Set<String> TARGETS = Set.of("ACCEPT", "DROP", "RETURN", "MASQUERADE", "SNAT", "DNAT", "MARK", "LOG",
            "REJECT", "CONNMARK", "REDIRECT", "NOTRACK", "CT");

    private FakeTools() {}

    abstract static class Base implements ToolCommand {
        private final String name;

        Base(String name) {
            this.name = name;
        }

        @Override
        public String tool() {
            return name;
        }

        @Override
        public Optional<Diagnostic> apply(HostConfigBuilder host, List<String> argv, SourceRef where) {
            CALLS.add(new Call(name, List.copyOf(argv), where));
            return check(host, argv, where);
        }

        Optional<Diagnostic> check(HostConfigBuilder host, List<String> argv, SourceRef where) {
            return Optional.empty();
        }
    }

    public static final class Iptables extends Base {
        public Iptables() {
            super("iptables");
        }

        @Override
        Optional<Diagnostic> check(HostConfigBuilder host, List<String> argv, SourceRef where) {
            Set<String> chains = CHAINS.computeIfAbsent(host, h -> new HashSet<>());
            String table = "filter";
            for (int i = 0; i + 1 < argv.size(); i++) if (argv.get(i).equals("-t")) table = argv.get(i + 1);
            for (int i = 0; i + 1 < argv.size(); i++) {
                String a = argv.get(i), v = argv.get(i + 1);
                if (a.equals("-N")) chains.add(table + "/" + v);
                if ((a.equals("-A") || a.equals("-I")) && !BUILTIN.contains(v) && !chains.contains(table + "/" + v))
                    return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "iptables",
                            "iptables: No chain/target/match by that name."));
                if (a.equals("-j") && !TARGETS.contains(v) && !chains.contains(table + "/" + v))
                    return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "iptables",
                            "iptables v1.8.9 (legacy): Couldn't load target `" + v + "':No such file or directory"));
            }
            return Optional.empty();
        }
    }

    public static final class Ipset extends Base {
        public Ipset() {
            super("ipset");
        }
    }

    public static final class Ipvsadm extends Base {
        public Ipvsadm() {
            super("ipvsadm");
        }
    }

    /** Applies the two forms the library uses, `ip addr add P dev D` and `ip route add DST via GW [dev D]`. */
    public static final class Ip extends Base {
        public Ip() {
            super("ip");
        }

        @Override
        Optional<Diagnostic> check(HostConfigBuilder host, List<String> argv, SourceRef where) {
            if (argv.size() >= 5 && argv.get(0).startsWith("a") && argv.get(1).equals("add") && argv.get(3).equals("dev"))
                host.addresses.add(new io.fnlab.model.route.Address(io.fnlab.model.net.Prefix.parse(argv.get(2)), argv.get(4),
                        io.fnlab.model.route.Address.Scope.GLOBAL));
            if (argv.size() >= 5 && argv.get(0).startsWith("r") && argv.get(1).equals("add") && argv.get(3).equals("via")) {
                String dev = argv.size() >= 7 && argv.get(5).equals("dev") ? argv.get(6) : null;
                io.fnlab.model.net.Prefix to = argv.get(2).equals("default") ? io.fnlab.model.net.Prefix.ANY
                        : io.fnlab.model.net.Prefix.parse(argv.get(2));
                host.routes.add(new io.fnlab.model.route.Route(io.fnlab.model.route.Route.Type.UNICAST, to,
                        io.fnlab.model.net.Ipv4.parse(argv.get(4)), dev, null, 0, "main", null));
            }
            return Optional.empty();
        }
    }

    public static final class Modprobe extends Base {
        public Modprobe() {
            super("modprobe");
        }
    }

    /** Applies `sysctl -w k=v` and `sysctl k=v` so that tests can see the effect. */
    public static final class Sysctl extends Base {
        public Sysctl() {
            super("sysctl");
        }

        @Override
        Optional<Diagnostic> check(HostConfigBuilder host, List<String> argv, SourceRef where) {
            for (String a : argv) {
                int eq = a.indexOf('=');
                if (eq > 0) host.sysctls.put(a.substring(0, eq).replace('/', '.'), a.substring(eq + 1));
            }
            return Optional.empty();
        }
    }

    /** A structural check of a line-oriented file: each non-comment line must start with one of heads. */
    abstract static class LineFormat implements ConfigFormat {
        private final String kind;
        private final List<String> heads;

        LineFormat(String kind, List<String> heads) {
            this.kind = kind;
            this.heads = heads;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public void apply(HostConfigBuilder b, String text, String file) {
            String[] lines = text.split("\n", -1);
            boolean inTable = false;
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                SourceRef where = new SourceRef(file, i + 1, 1);
                if (heads.stream().noneMatch(l::startsWith))
                    throw new ParseError(where, kind + ": unexpected line '" + l + "'");
                ShellWords.split(l, where);
                if (l.startsWith("*")) {
                    if (inTable) throw new ParseError(where, kind + ": table opened before COMMIT");
                    inTable = true;
                }
                if (l.equals("COMMIT")) inTable = false;
                CALLS.add(new Call(kind, List.of(l), where));
            }
            if (inTable) throw new ParseError(new SourceRef(file, lines.length, 1), kind + ": missing COMMIT");
        }
    }

    public static final class IptablesSave extends LineFormat {
        public IptablesSave() {
            super("iptables-save", List.of("*", ":", "-A ", "-I ", "-N ", "COMMIT"));
        }
    }

    public static final class IptablesRestore extends LineFormat {
        public IptablesRestore() {
            super("iptables-restore", List.of("*", ":", "-A ", "-I ", "-N ", "-D ", "-X ", "-F", "COMMIT"));
        }
    }

    public static final class IpsetSave extends LineFormat {
        public IpsetSave() {
            super("ipset-save", List.of("create ", "add "));
        }
    }

    public static final class IpvsadmSave extends LineFormat {
        public IpvsadmSave() {
            super("ipvsadm-save", List.of("-A ", "-a "));
        }
    }
}
