package io.fnlab.model.scenario;

import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.PolicyRule;
import io.fnlab.model.route.Route;
import io.fnlab.model.sysctl.Sysctls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything configured on one host, after its scripts were applied. diagnostics holds what the
 * real tools would have printed while applying them (a failed iptables command, say).
 */
public record HostConfig(Ruleset iptables, Map<String, IpSet> ipsets, IpvsConfig ipvs, List<Address> addresses,
                         List<Route> routes, List<PolicyRule> rules, Sysctls sysctls, List<Diagnostic> diagnostics) {
    public static final HostConfig EMPTY = new HostConfig(Ruleset.EMPTY, Map.of(), IpvsConfig.EMPTY, List.of(),
            List.of(), List.of(), Sysctls.EMPTY, List.of());

    public HostConfig {
        ipsets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ipsets));
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        rules = List.copyOf(rules);
        diagnostics = List.copyOf(diagnostics);
    }
}
