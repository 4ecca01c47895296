package io.fnlab.model.scenario;

import io.fnlab.model.format.iptables.IptablesState;
import io.fnlab.model.format.ipvsadm.IpvsState;
import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.PolicyRule;
import io.fnlab.model.route.Route;
import io.fnlab.model.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host's configuration while scripts and files are applied to it, one tool command at a time,
 * in the order the scenario gives them. {@link #build()} freezes it.
 */
public final class HostConfigBuilder {
    public final IptablesState iptables = new IptablesState();
    public final Map<String, IpSet> ipsets = new LinkedHashMap<>();
    public final IpvsState ipvs = new IpvsState();
    public final List<Address> addresses = new ArrayList<>();
    public final List<Route> routes = new ArrayList<>();
    public final List<PolicyRule> rules = new ArrayList<>();
    public final Map<String, String> sysctls = new LinkedHashMap<>();
    public final List<Diagnostic> diagnostics = new ArrayList<>();
    /**
     * Network devices the host has, by name, in ifindex order: the scenario's interfaces, then
     * `ip link add`. The ip command checks device names against it ("Cannot find device") once
     * it holds "lo"; before that the checks are skipped (a script applied without its topology).
     */
    public final Map<String, Interface> links = new LinkedHashMap<>();

    public HostConfig build() {
        return new HostConfig(iptables.toRuleset(), ipsets, ipvs.toConfig(), addresses, routes, rules,
                new Sysctls(sysctls), diagnostics);
    }
}
