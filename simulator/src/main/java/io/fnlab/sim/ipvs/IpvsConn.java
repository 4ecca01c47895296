package io.fnlab.sim.ipvs;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.net.Ipv4;
import io.fnlab.sim.netfilter.XtContext;

/**
 * struct ip_vs_conn: client, virtual and destination addresses, flags, the protocol state and the
 * timer (expiresAt in simulated ms). A template (persistence) has flag TEMPLATE, cport 0 and for
 * fwmark services protocol 0 (IPPROTO_IP) with vaddr = the fwmark.
 */
public final class IpvsConn implements XtContext.IpvsConnView {
    // IP_VS_CONN_F_* bits (include/uapi/linux/ip_vs.h)
    public static final int F_MASQ = 0x0000, F_TUNNEL = 0x0002, F_DROUTE = 0x0003, F_FWD_MASK = 0x0007;
    public static final int F_NOOUTPUT = 0x0010, F_INACTIVE = 0x0020, F_ONE_PACKET = 0x2000, F_TEMPLATE = 0x1000,
            F_NFCT = 0x20000;

    private static long nextId = 1;

    final long id = nextId++;
    public final int protocol;
    public final int caddr, cport, vaddr, vport, daddr, dport;
    /** skb->mark of the first packet (fwmark services). */
    public final long fwmark;
    int flags;
    int state;
    /** cp->timeout in ms. */
    long timeoutMs;
    long expiresAt;
    IpvsDest dest;
    final IpvsService svc;
    /** The controlling template (cp->control) and how many connections this one controls (n_control). */
    IpvsConn control;
    int nControl;
    boolean expired;
    /** A template invalidated by ip_vs_check_template: no longer found by lookups. */
    boolean invalidated;
    /** ConnTable's bookkeeping: its timer slot (-1: none; the slot holds the time of its live heap entry), and its place in the creation-order list. */
    static final long NOT_QUEUED = Long.MIN_VALUE;
    int slot = -1;
    boolean linked;
    IpvsConn prev, next;
    /** Hashed in the connection table (IP_VS_CONN_F_HASHED), and the next entry of its bucket's chain. */
    boolean hashed;
    IpvsConn hnext;

    IpvsConn(IpvsService svc, int protocol, int caddr, int cport, int vaddr, int vport, int daddr, int dport, long fwmark) {
        this.svc = svc;
        this.protocol = protocol;
        this.caddr = caddr;
        this.cport = cport;
        this.vaddr = vaddr;
        this.vport = vport;
        this.daddr = daddr;
        this.dport = dport;
        this.fwmark = fwmark;
    }

    public boolean isTemplate() {
        return (flags & F_TEMPLATE) != 0;
    }

    public int flags() {
        return flags;
    }

    public int state() {
        return state;
    }

    public String stateName() {
        if (protocol == 17) return "UDP";
        if (protocol == 6) return TcpStates.name(state);
        return "NONE";
    }

    public long expiresAt() {
        return expiresAt;
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    public IpvsDest dest() {
        return dest;
    }

    public IpvsService service() {
        return svc;
    }

    public IpvsConn control() {
        return control;
    }

    public boolean inactive() {
        return (flags & F_INACTIVE) != 0;
    }

    public int fwdMethod() {
        return flags & F_FWD_MASK;
    }

    public boolean masq() {
        return fwdMethod() == F_MASQ;
    }

    static int flagsOf(ForwardMethod m) {
        return switch (m) {
            case MASQ -> F_MASQ;
            case GATE -> F_DROUTE;
            case IPIP -> F_TUNNEL;
        };
    }

    @Override
    public int vaddr() {
        return vaddr;
    }

    @Override
    public int vport() {
        return vport;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    @Override
    public String method() {
        return switch (fwdMethod()) {
            case F_MASQ -> "MASQ";
            case F_TUNNEL -> "IPIP";
            case F_DROUTE -> "GATE";
            default -> "LOCALNODE";
        };
    }

    @Override
    public int vportctl() {
        // xt_ipvs: cp->control->vport, whether the controller is an FTP control connection or a template
        return control != null ? control.vport : 0;
    }

    @Override
    public String toString() {
        String p = protocol == 6 ? "TCP" : protocol == 17 ? "UDP" : "IP";
        return p + " " + new Ipv4(caddr) + ":" + cport + " -> " + new Ipv4(vaddr) + ":" + vport + " -> "
                + new Ipv4(daddr) + ":" + dport + " " + stateName() + (isTemplate() ? " (template)" : "");
    }
}
