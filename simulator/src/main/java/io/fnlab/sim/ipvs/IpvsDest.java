package io.fnlab.sim.ipvs;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.net.Ipv4;

/**
 * struct ip_vs_dest: a real server of one service with its run-time counters. The counters move
 * exactly where the kernel moves them: ip_vs_bind_dest / ip_vs_unbind_dest (ip_vs_conn.c) and the
 * protocol state transitions (set_tcp_state in ip_vs_proto_tcp.c).
 */
public final class IpvsDest {
    public final Ipv4 addr;
    public final int port;
    public final ForwardMethod method;
    int weight;
    /** dest->last_weight: the last weight > 0, so that quiescing (weight 0) keeps the MH table (ip_vs_ctl.c). */
    int lastWeight;
    int upperThreshold;
    int lowerThreshold;
    int activeConns;
    int inactConns;
    int persistConns;
    /** IP_VS_DEST_F_AVAILABLE: cleared when the server is deleted (moved to the trash). */
    boolean available = true;
    /** IP_VS_DEST_F_OVERLOAD, set and cleared in ip_vs_bind_dest / ip_vs_unbind_dest. */
    boolean overloaded;
    final IpvsStats stats = new IpvsStats();

    IpvsDest(RealServer rs) {
        this.addr = rs.address();
        this.port = rs.port();
        this.method = rs.method();
        this.weight = rs.weight();
        this.lastWeight = Math.max(rs.weight(), 0);
        this.upperThreshold = rs.upperThreshold();
        this.lowerThreshold = rs.lowerThreshold();
    }

    /** For tests and schedulers written outside a service. */
    public static IpvsDest of(RealServer rs) {
        return new IpvsDest(rs);
    }

    public int weight() {
        return weight;
    }

    public int lastWeight() {
        return lastWeight;
    }

    public int activeConns() {
        return activeConns;
    }

    public int inactConns() {
        return inactConns;
    }

    public int persistConns() {
        return persistConns;
    }

    public boolean available() {
        return available;
    }

    public boolean overloaded() {
        return overloaded;
    }

    public IpvsStats stats() {
        return stats;
    }

    /** ip_vs_dest_conn_overhead: activeconns * 256 + inactconns. */
    public int overhead() {
        return (activeConns << 8) + inactConns;
    }

    /** ip_vs_dest_totalconns. */
    int totalConns() {
        return activeConns + inactConns;
    }

    /** Test/scheduler helper: set counters directly (what connections would have done). */
    public void setCounts(int active, int inactive) {
        this.activeConns = active;
        this.inactConns = inactive;
    }

    public void setOverloaded(boolean o) {
        this.overloaded = o;
    }

    void setWeight(int w) {
        weight = w;
        if (w > 0) lastWeight = w;
    }

    /** After a counter increase (ip_vs_bind_dest). */
    void checkUpperThreshold() {
        if (upperThreshold != 0 && totalConns() >= upperThreshold) overloaded = true;
    }

    /** After a counter decrease (ip_vs_unbind_dest): lower threshold, else 3/4 of upper, else clear. */
    void checkLowerThreshold() {
        if (lowerThreshold != 0) {
            if (totalConns() < lowerThreshold) overloaded = false;
        } else if (upperThreshold != 0) {
            if (totalConns() * 4 < upperThreshold * 3) overloaded = false;
        } else {
            overloaded = false;
        }
    }

    /** ADDR:PORT, built once (addr and port are final): schedulers name the last pick in every reason. */
    public String endpoint() {
        String e = endpoint;
        if (e == null) endpoint = e = addr + ":" + port;
        return e;
    }

    private String endpoint;

    @Override
    public String toString() {
        return endpoint();
    }
}
