package io.fnlab.sim.ipvs;

import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.sim.ipvs.sched.Scheduler;
import io.fnlab.sim.ipvs.sched.Schedulers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * struct ip_vs_service at run time: the key, the scheduler with its private state (sched_data),
 * and the destinations in kernel list order (index 0 = list head's next, i.e. the server added
 * last, because __ip_vs_update_dest adds with list_add_rcu).
 */
public final class IpvsService {
    public final ServiceKey key;
    public final Set<String> schedFlags;
    /** -p timeout in seconds, 0 when not persistent (IP_VS_SVC_F_PERSISTENT). */
    public final int persistTimeout;
    public final int netmask;
    final List<IpvsDest> dests = new ArrayList<>();
    final Scheduler scheduler;
    final IpvsStats stats = new IpvsStats();
    final VirtualService config;

    public IpvsService(VirtualService vs) {
        this.config = vs;
        this.key = vs.key();
        this.schedFlags = vs.schedFlags();
        this.persistTimeout = vs.persistence() == null ? 0 : vs.persistence();
        this.netmask = vs.netmask().bits();
        // as the kernel gets there: ipvsadm -A binds the scheduler to an empty service
        // (init_service), then each -a links a dest at the head and calls add_dest. servers() is
        // in list order (head first), so the adds replay it from the tail. The order of those
        // calls is state for wrr (mark->cw), see WeightedRoundRobin.
        this.scheduler = Schedulers.create(vs.scheduler());
        scheduler.init(this);
        List<RealServer> l = vs.servers();
        for (int i = l.size() - 1; i >= 0; i--) addDest(l.get(i));
    }

    public VirtualService config() {
        return config;
    }

    public boolean persistent() {
        return config.persistence() != null;
    }

    public boolean hasFlag(String f) {
        return schedFlags.contains(f);
    }

    /** The destinations in kernel list order (head first). Read-only. */
    public List<IpvsDest> dests() {
        return Collections.unmodifiableList(dests);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public IpvsStats stats() {
        return stats;
    }

    public IpvsDest find(Ipv4 addr, int port) {
        for (IpvsDest d : dests) if (d.addr.equals(addr) && d.port == port) return d;
        return null;
    }

    /** ipvsadm -a: list_add_rcu puts the new server at the head; then the scheduler's add_dest. */
    public IpvsDest addDest(RealServer rs) {
        IpvsDest d = new IpvsDest(rs);
        dests.add(0, d);
        scheduler.destAdded(this, d);
        return d;
    }

    /** ipvsadm -d: unlink, clear IP_VS_DEST_F_AVAILABLE (the dest goes to the trash), del_dest. */
    public boolean removeDest(Ipv4 addr, int port) {
        IpvsDest d = find(addr, port);
        if (d == null) return false;
        scheduler.destRemoving(this, d);
        dests.remove(d);
        d.available = false;
        scheduler.destRemoved(this, d);
        return true;
    }

    /** ipvsadm -e -w: __ip_vs_update_dest sets weight (and last_weight when > 0), then upd_dest. */
    public void setWeight(IpvsDest d, int weight) {
        d.setWeight(weight);
        if (d.upperThreshold == 0 || d.upperThreshold > d.totalConns()) d.overloaded = false;
        scheduler.destUpdated(this, d);
    }

    public String name() {
        return key.toString();
    }

    @Override
    public String toString() {
        return name();
    }
}
