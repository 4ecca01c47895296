package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The kernel's IPVS configuration as ipvsadm commands change it (net/netfilter/ipvs/ip_vs_ctl.c):
 * services by key in creation order, each with its real servers. Mutable, and cheap for 10,000
 * services of 5 servers: lookups are hash-based, a server add is O(1).
 *
 * <p>Kernel order: ip_vs_add_dest links a new server at the head of the service's list
 * (list_add_rcu in __ip_vs_update_dest), so {@link #toConfig()} lists the last added first.
 * Editing a server keeps its place.
 */
public final class IpvsState {
    /** One service: the settings of the last -A/-E and servers keyed by address and port. */
    private static final class Svc {
        VirtualService settings;
        /** Oldest first; the kernel list is the reverse. */
        final LinkedHashMap<Long, RealServer> dests = new LinkedHashMap<>();

        Svc(VirtualService s) {
            settings = s.withServers(List.of());
        }

        VirtualService freeze() {
            List<RealServer> l = new ArrayList<>(dests.values());
            Collections.reverse(l);
            return settings.withServers(l);
        }
    }

    private final LinkedHashMap<ServiceKey, Svc> services = new LinkedHashMap<>();
    private IpvsConfig.Timeouts timeouts = IpvsConfig.Timeouts.DEFAULT;
    private final List<String> modules = new ArrayList<>();

    public IpvsConfig toConfig() {
        List<VirtualService> l = new ArrayList<>(services.size());
        for (Svc s : services.values()) l.add(s.freeze());
        return new IpvsConfig(l, timeouts, modules);
    }

    /** The state whose toConfig() equals cfg (servers keep cfg's order). */
    public static IpvsState from(IpvsConfig cfg) {
        IpvsState st = new IpvsState();
        for (VirtualService v : cfg.services()) {
            Svc s = new Svc(v);
            List<RealServer> servers = v.servers();
            for (int i = servers.size() - 1; i >= 0; i--) s.dests.put(destKey(servers.get(i)), servers.get(i));
            st.services.put(v.key(), s);
        }
        st.timeouts = cfg.timeouts();
        st.modules.addAll(cfg.modules());
        return st;
    }

    private static long destKey(Ipv4 a, int port) {
        return ((a.bits() & 0xffffffffL) << 16) | port;
    }

    private static long destKey(RealServer r) {
        return destKey(r.address(), r.port());
    }

    public int serviceCount() {
        return services.size();
    }

    public boolean hasService(ServiceKey k) {
        return services.containsKey(k);
    }

    /** ip_vs_add_service: EEXIST when the key is taken. Servers of v are ignored. */
    public void addService(VirtualService v) {
        if (services.containsKey(v.key())) throw new IpvsFailure(IpvsFailure.SERVICE_EXISTS);
        if (!SCHEDULERS.contains(v.scheduler())) throw new IpvsFailure(IpvsFailure.NO_SCHEDULER);
        services.put(v.key(), new Svc(v));
    }

    /** ip_vs_edit_service: replaces scheduler, flags, persistence and netmask. */
    public void editService(VirtualService v) {
        Svc s = services.get(v.key());
        if (s == null) throw new IpvsFailure(IpvsFailure.NO_SUCH_SERVICE);
        if (!SCHEDULERS.contains(v.scheduler())) throw new IpvsFailure(IpvsFailure.NO_SCHEDULER);
        s.settings = v.withServers(List.of());
    }

    public void deleteService(ServiceKey k) {
        if (services.remove(k) == null) throw new IpvsFailure(IpvsFailure.NO_SUCH_SERVICE);
    }

    /** ipvsadm -C (ip_vs_flush): all services go; timeouts and modules stay. */
    public void clear() {
        services.clear();
    }

    public void addServer(ServiceKey k, RealServer r) {
        Svc s = services.get(k);
        if (s == null) throw new IpvsFailure(IpvsFailure.SERVICE_NOT_DEFINED);
        checkDest(r);
        long dk = destKey(r);
        if (s.dests.containsKey(dk)) throw new IpvsFailure(IpvsFailure.DEST_EXISTS);
        s.dests.put(dk, r);
    }

    public void editServer(ServiceKey k, RealServer r) {
        Svc s = services.get(k);
        if (s == null) throw new IpvsFailure(IpvsFailure.SERVICE_NOT_DEFINED);
        checkDest(r);
        long dk = destKey(r);
        if (!s.dests.containsKey(dk)) throw new IpvsFailure(IpvsFailure.NO_SUCH_DEST);
        s.dests.put(dk, r);
    }

    public void deleteServer(ServiceKey k, Ipv4 addr, int port) {
        Svc s = services.get(k);
        if (s == null) throw new IpvsFailure(IpvsFailure.SERVICE_NOT_DEFINED);
        if (s.dests.remove(destKey(addr, port)) == null) throw new IpvsFailure(IpvsFailure.NO_SUCH_DEST);
    }

    /**
     * ip_vs_add_dest / ip_vs_edit_dest: thresholds must be ordered (-ERANGE); ip_vs_new_dest
     * refuses addresses that are not unicast (0.0.0.0, 255.255.255.255, multicast: -EINVAL).
     */
    private static void checkDest(RealServer r) {
        if (r.lowerThreshold() > r.upperThreshold()) throw new IpvsFailure(IpvsFailure.ERANGE);
        int a = r.address().bits();
        if (a == 0 || a == -1 || r.address().isMulticast() || (a >>> 24) == 0)
            throw new IpvsFailure(IpvsFailure.EINVAL);
    }

    /** ipvsadm --set: a 0 leaves that timeout as it is (ip_vs_set_timeout). */
    public void setTimeouts(int tcp, int tcpFin, int udp) {
        timeouts = new IpvsConfig.Timeouts(tcp != 0 ? tcp : timeouts.tcp(), tcpFin != 0 ? tcpFin : timeouts.tcpFin(),
                udp != 0 ? udp : timeouts.udp());
    }

    public void addModule(String m) {
        if (!modules.contains(m)) modules.add(m);
    }

    public void removeModule(String m) {
        modules.remove(m);
    }

    public List<String> modules() {
        return Collections.unmodifiableList(modules);
    }

    /** Known schedulers (net/netfilter/ipvs/ip_vs_*.c). */
    public static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed",
            "nq", "fo", "ovf", "mh", "twos");
}
