package io.fnlab.sim;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.PolicyRule;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.HostConfig;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.sysctl.Sysctls;
import io.fnlab.model.ipvs.IpvsConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds model hosts in a few lines for tests (there is no scenario reader in this module). */
public final class TestHosts {
    public static final class B {
        final String name;
        final List<Interface> ifs = new ArrayList<>();
        final List<Address> addrs = new ArrayList<>();
        final List<Route> routes = new ArrayList<>();
        final List<PolicyRule> rules = new ArrayList<>();
        final Map<String, String> sysctls = new LinkedHashMap<>();
        final Map<TableName, Map<String, List<Rule>>> chains = new EnumMap<>(TableName.class);
        final Map<TableName, Map<String, Chain.Policy>> policies = new EnumMap<>(TableName.class);

        B(String name) {
            this.name = name;
        }

        /** An ethernet device on a segment with an address ("10.0.0.1/24"). */
        public B eth(String dev, String segment, String cidr) {
            if (ifs.stream().noneMatch(i -> i.name().equals(dev)))
                ifs.add(new Interface(dev, Interface.Kind.ETHERNET, segment, null, 1500));
            if (cidr != null) addrs.add(new Address(Prefix.parse(cidr), dev, Address.Scope.GLOBAL));
            return this;
        }

        public B addr(String dev, String cidr) {
            addrs.add(new Address(Prefix.parse(cidr), dev, Address.Scope.GLOBAL));
            return this;
        }

        public B dummy(String dev, String cidr) {
            ifs.add(new Interface(dev, Interface.Kind.DUMMY, null, null, 1500));
            return addr(dev, cidr);
        }

        public B ipip(String dev) {
            ifs.add(new Interface(dev, Interface.Kind.IPIP, null, null, 1480));
            return this;
        }

        public B route(String dst, String via, String dev) {
            return route(dst, via, dev, null, 0, "main");
        }

        public B route(String dst, String via, String dev, String src, int metric, String table) {
            routes.add(new Route(Route.Type.UNICAST, dst.equals("default") ? Prefix.ANY : Prefix.parse(dst),
                    via == null ? null : Ipv4.parse(via), dev, src == null ? null : Ipv4.parse(src), metric, table,
                    Address.Scope.GLOBAL));
            return this;
        }

        public B typed(Route.Type t, String dst, String table) {
            routes.add(new Route(t, Prefix.parse(dst), null, null, null, 0, table, Address.Scope.GLOBAL));
            return this;
        }

        public B rule(PolicyRule r) {
            rules.add(r);
            return this;
        }

        public B sysctl(String k, String v) {
            sysctls.put(k, v);
            return this;
        }

        public B forward() {
            return sysctl("net.ipv4.ip_forward", "1");
        }

        /** Append a rule to a chain (creating table and chain; built-in chains get ACCEPT). */
        public B rule(TableName t, String chain, Target target, Match... matches) {
            chains.computeIfAbsent(t, k -> new LinkedHashMap<>()).computeIfAbsent(chain, k -> new ArrayList<>())
                    .add(new Rule(List.of(matches), target, null, SourceRef.of("test", 1)));
            return this;
        }

        public B policy(TableName t, String chain, Chain.Policy p) {
            policies.computeIfAbsent(t, k -> new LinkedHashMap<>()).put(chain, p);
            chains.computeIfAbsent(t, k -> new LinkedHashMap<>()).computeIfAbsent(chain, k -> new ArrayList<>());
            return this;
        }

        /** Load a table with no rules (its hooks get registered). */
        public B table(TableName t) {
            chains.computeIfAbsent(t, k -> new LinkedHashMap<>());
            return this;
        }

        public Host build() {
            Map<TableName, Table> tables = new EnumMap<>(TableName.class);
            for (var e : chains.entrySet()) {
                TableName t = e.getKey();
                List<Chain> cs = new ArrayList<>();
                for (String b : t.builtinChains()) {
                    Chain.Policy p = policies.getOrDefault(t, Map.of()).getOrDefault(b, Chain.Policy.ACCEPT);
                    cs.add(new Chain(b, p, null, e.getValue().getOrDefault(b, List.of())));
                }
                for (var c : e.getValue().entrySet())
                    if (!t.isBuiltin(c.getKey())) cs.add(new Chain(c.getKey(), null, null, c.getValue()));
                tables.put(t, new Table(t, cs));
            }
            HostConfig cfg = new HostConfig(new Ruleset(tables), Map.of(), IpvsConfig.EMPTY, addrs, routes, rules,
                    new Sysctls(sysctls), List.of());
            return new Host(name, "test", ifs, cfg, SourceRef.UNKNOWN);
        }
    }

    public static B host(String name) {
        return new B(name);
    }

    private TestHosts() {}
}
