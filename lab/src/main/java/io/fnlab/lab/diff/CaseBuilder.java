package io.fnlab.lab.diff;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link DiffCase} from one description of hosts, written twice from the same strings: a
 * scenario YAML for the simulator and a setup script per namespace for the kernel. Routes become
 * `routes:` entries and `ip route add` lines; sysctls a `sysctls:` map and writes to /proc/sys;
 * iptables an `iptables-save` config item and `iptables-restore` of the very same text.
 *
 * <p>Every sysctl a host depends on must be given: a new network namespace inherits IPv4 conf
 * values (rp_filter, forwarding) from the machine's own (net.core.devconf_inherit_init_net=0),
 * while the simulator takes kernel defaults. {@link HostB#conf} sets "all" and each device.
 */
public final class CaseBuilder {
    private final String name;
    private final List<String> segments = new ArrayList<>();
    private final Map<String, HostB> hosts = new LinkedHashMap<>();
    private final List<String[]> servers = new ArrayList<>();
    private final List<DiffCase.Flow> flows = new ArrayList<>();
    private final Set<Integer> constants = new LinkedHashSet<>();

    public CaseBuilder(String name) {
        this.name = name;
    }

    public CaseBuilder segment(String s) {
        segments.add(s);
        return this;
    }

    public HostB host(String name, String role) {
        HostB h = new HostB(name, role);
        hosts.put(name, h);
        return h;
    }

    /** A host added before. */
    public HostB hosts(String name) {
        HostB h = hosts.get(name);
        if (h == null) throw new IllegalArgumentException("no host " + name);
        return h;
    }

    /** A probe server answering response; the port is a constant of the case. */
    public CaseBuilder server(String host, String proto, int port, String response) {
        servers.add(new String[] {host, proto, Integer.toString(port), response});
        constants.add(port);
        return this;
    }

    /** A flow to address:port; sport 0 = ephemeral. */
    public CaseBuilder flow(String id, String from, String proto, String address, int port, int sport) {
        flows.add(new DiffCase.Flow(id, from, proto, address, port, sport, name + "-" + id));
        constants.add(port);
        if (sport > 0) constants.add(sport);
        return this;
    }

    /** A port the configuration names (a DNAT target port, a --to-ports range bound). */
    public CaseBuilder constantPort(int p) {
        constants.add(p);
        return this;
    }

    public final class HostB {
        final String name, role;
        final List<String[]> ifaces = new ArrayList<>(); // name, segment, addresses (space separated)
        final List<String[]> routes = new ArrayList<>(); // to, via, dev, src
        final Map<String, String> sysctls = new LinkedHashMap<>();
        String iptables;

        HostB(String name, String role) {
            this.name = name;
            this.role = role;
        }

        public HostB eth(String dev, String segment, String... addresses) {
            ifaces.add(new String[] {dev, segment, String.join(" ", addresses)});
            return this;
        }

        /** ip route add TO [via VIA] [dev DEV] [src SRC]; null for an absent part. */
        public HostB route(String to, String via, String dev, String src) {
            routes.add(new String[] {to, via, dev, src});
            return this;
        }

        public HostB sysctl(String key, int value) {
            sysctls.put(key, Integer.toString(value));
            return this;
        }

        /** net.ipv4.conf.all.KEY and net.ipv4.conf.DEV.KEY for every device added so far. */
        public HostB conf(String key, int value) {
            sysctl("net.ipv4.conf.all." + key, value);
            for (String[] i : ifaces) sysctl("net.ipv4.conf." + i[0] + "." + key, value);
            return this;
        }

        /** iptables-save text (tables with their built-in chains, COMMIT after each). */
        public HostB iptables(String saveText) {
            this.iptables = saveText.endsWith("\n") ? saveText : saveText + "\n";
            return this;
        }

        public CaseBuilder done() {
            return CaseBuilder.this;
        }
    }

    public DiffCase build() {
        StringBuilder y = new StringBuilder();
        y.append("name: ").append(name).append('\n');
        y.append("segments: [").append(String.join(", ", segments)).append("]\n");
        y.append("hosts:\n");
        Map<String, String> setup = new LinkedHashMap<>();
        for (HostB h : hosts.values()) {
            y.append("  - name: ").append(h.name).append("\n    role: ").append(h.role).append('\n');
            y.append("    interfaces:\n");
            for (String[] i : h.ifaces) {
                y.append("      - {name: ").append(i[0]).append(", segment: ").append(i[1]).append(", addresses: [")
                        .append(String.join(", ", i[2].isBlank() ? List.of() : List.of(i[2].split(" ")))).append("]}\n");
            }
            StringBuilder sh = new StringBuilder();
            if (!h.sysctls.isEmpty()) {
                y.append("    sysctls:\n");
                h.sysctls.forEach((k, v) -> {
                    y.append("      ").append(k).append(": ").append(v).append('\n');
                    sh.append("echo ").append(v).append(" > /proc/sys/").append(k.replace('.', '/')).append('\n');
                });
            }
            if (!h.routes.isEmpty()) {
                y.append("    routes:\n");
                for (String[] r : h.routes) {
                    y.append("      - {to: ").append(r[0]);
                    sh.append("ip route add ").append(r[0]);
                    String[] keys = {"via", "dev", "src"};
                    for (int k = 0; k < 3; k++) {
                        if (r[k + 1] == null) continue;
                        y.append(", ").append(keys[k]).append(": ").append(r[k + 1]);
                        sh.append(' ').append(keys[k]).append(' ').append(r[k + 1]);
                    }
                    y.append("}\n");
                    sh.append('\n');
                }
            }
            if (h.iptables != null) {
                y.append("    config:\n      - kind: iptables-save\n        text: |\n");
                h.iptables.lines().forEach(l -> y.append("          ").append(l).append('\n'));
                sh.append("iptables-restore <<'FNLAB_IPT_EOF'\n").append(h.iptables).append("FNLAB_IPT_EOF\n");
            }
            setup.put(h.name, sh.toString());
        }
        if (!servers.isEmpty()) {
            y.append("servers:\n");
            for (String[] s : servers)
                y.append("  - {host: ").append(s[0]).append(", proto: ").append(s[1]).append(", port: ").append(s[2])
                        .append(", response: \"").append(s[3]).append("\"}\n");
        }
        if (!flows.isEmpty()) {
            y.append("traffic:\n");
            long start = 0;
            for (DiffCase.Flow f : flows) {
                y.append("  - {id: ").append(f.id()).append(", from: ").append(f.from()).append(", proto: ").append(f.proto())
                        .append(", to: ").append(f.address()).append(':').append(f.port());
                if (f.sport() > 0) y.append(", sport: ").append(f.sport());
                // one after another, as the lab runs them: each starts after the previous one gave up at the latest
                y.append(", request: \"").append(f.request()).append("\", start: ").append(start).append("ms}\n");
                start += 12_000;
            }
        }
        String yaml = y.toString();
        Scenario s = ScenarioReader.parse(yaml, Path.of(name + ".yaml"));
        return new DiffCase(name, yaml, s, setup, flows, constants);
    }
}
