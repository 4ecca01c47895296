package io.fnlab.model.ipvs;

import io.fnlab.model.net.Ipv4;
import java.util.List;
import java.util.Set;

/**
 * A virtual service with its real servers in kernel order: `ipvsadm -a` puts a new server at the
 * head of the list (list_add_rcu in __ip_vs_update_dest), so servers.get(0) is the last added.
 * persistence is the -p timeout in seconds, null when not persistent; netmask is -M.
 */
public record VirtualService(ServiceKey key, String scheduler, Set<String> schedFlags, Integer persistence,
                             Ipv4 netmask, List<RealServer> servers) {
    public static final Ipv4 DEFAULT_NETMASK = Ipv4.parse("255.255.255.255");

    public VirtualService {
        schedFlags = Set.copyOf(schedFlags);
        servers = List.copyOf(servers);
        if (netmask == null) netmask = DEFAULT_NETMASK;
    }

    public VirtualService withServers(List<RealServer> s) {
        return new VirtualService(key, scheduler, schedFlags, persistence, netmask, s);
    }
}
