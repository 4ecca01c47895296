package io.fnlab.sim.ipvs;

import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.host.IpStack;
import io.fnlab.sim.ipvs.sched.Scheduler;
import io.fnlab.sim.netfilter.HookOps;
import io.fnlab.sim.netfilter.HookRegistry;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.netfilter.Priorities;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * IPVS of one host (struct netns_ipvs): services, the connection table and the hook functions of
 * ip_vs_core.c, registered at the kernel's hooks and priorities (ip_vs_ops4) once the first
 * service exists. Transmission is in {@link IpvsXmit}.
 */
public final class Ipvs {
    public static final String OWNER = "ip_vs";
    /** IP_VS_CTPL_S_ASSURED: a template whose connection reached ESTABLISHED. */
    static final int CTPL_ASSURED = 1;
    /** enum ip_conntrack_info IP_CT_NEW. */
    static final int IP_CT_NEW = 2;

    final IpStack stack;
    private final HookRegistry hooks;
    final List<IpvsService> services = new ArrayList<>();
    /**
     * ip_vs_svc_table / ip_vs_svc_fwm_table: services hashed by protocol, address and port (and by
     * fwmark), the first added kept for a key, so a lookup does not scan every service.
     */
    private final io.fnlab.sim.lib.LongPairMap<IpvsService> svcTable = new io.fnlab.sim.lib.LongPairMap<>();
    private final io.fnlab.sim.lib.LongPairMap<IpvsService> svcFwmTable = new io.fnlab.sim.lib.LongPairMap<>();
    final ConnTable conns = new ConnTable();
    final IpvsStats total = new IpvsStats();
    final int[] tcpTimeouts = TcpStates.DEFAULT_TIMEOUTS.clone();
    int udpTimeout = 300;
    private boolean registered;
    final IpvsXmit xmit;

    private Ipvs(HookRegistry hooks, IpStack stack) {
        this.hooks = hooks;
        this.stack = stack;
        this.xmit = new IpvsXmit(this);
    }

    /** Builds IPVS for a host from its configuration; registers the hooks when there is a service. */
    public static Ipvs attach(IpvsConfig cfg, HookRegistry hooks, IpStack stack) {
        Ipvs ipvs = new Ipvs(hooks, stack);
        ipvs.setTimeouts(cfg.timeouts());
        for (VirtualService vs : cfg.services()) ipvs.addService(vs);
        return ipvs;
    }

    /** ipvsadm --set tcp tcpfin udp (ip_vs_set_timeout): 0 leaves a value unchanged. */
    public void setTimeouts(IpvsConfig.Timeouts t) {
        if (t.tcp() > 0) tcpTimeouts[TcpStates.ESTABLISHED] = t.tcp();
        if (t.tcpFin() > 0) tcpTimeouts[TcpStates.FIN_WAIT] = t.tcpFin();
        if (t.udp() > 0) udpTimeout = t.udp();
    }

    /** ipvsadm -A: ip_vs_add_service; the first service registers the hooks (ip_vs_register_hooks). */
    public IpvsService addService(VirtualService vs) {
        IpvsService svc = new IpvsService(vs);
        services.add(svc);
        // the first added keeps a key (putIfAbsent)
        if (svc.key.isFwmark()) {
            if (svcFwmTable.get(svc.key.fwmark(), 0) == null) svcFwmTable.put(svc.key.fwmark(), 0, svc);
        } else {
            long k = svcKey(svc.key.protocol().number(), svc.key.address().bits(), svc.key.port());
            if (svcTable.get(k, 0) == null) svcTable.put(k, 0, svc);
        }
        if (!registered) register();
        return svc;
    }

    private void register() {
        registered = true;
        hooks.register(new HookOps(Hook.INPUT, Priorities.IPVS_REPLY_LOCAL_IN, OWNER, "ip_vs_out_hook", this::outHook));
        hooks.register(new HookOps(Hook.INPUT, Priorities.IPVS_REQUEST_LOCAL_IN, OWNER, "ip_vs_in_hook", this::inHook));
        hooks.register(new HookOps(Hook.OUTPUT, Priorities.IPVS_LOCAL_REPLY_OUT, OWNER, "ip_vs_out_hook", this::outHook));
        hooks.register(new HookOps(Hook.OUTPUT, Priorities.IPVS_LOCAL_REQUEST_OUT, OWNER, "ip_vs_in_hook", this::inHook));
        hooks.register(new HookOps(Hook.FORWARD, Priorities.IPVS_FORWARD_ICMP, OWNER, "ip_vs_forward_icmp", this::forwardIcmp));
        hooks.register(new HookOps(Hook.FORWARD, Priorities.IPVS_REPLY_FORWARD, OWNER, "ip_vs_out_hook", this::outHook));
    }

    /**
     * ipvsadm -d: ip_vs_del_dest. With expire_nodest_conn=1 the kernel (5.9+) then runs
     * ip_vs_expire_nodest_conn_flush one jiffy later: every connection of the removed server that
     * controls nothing is deleted, with its template when that controls nothing more.
     */
    public boolean removeDest(ServiceKey key, Ipv4 addr, int port) {
        IpvsService svc = service(key);
        if (svc == null) return false;
        IpvsDest d = svc.find(addr, port);
        if (d == null || !svc.removeDest(addr, port)) return false;
        if (sysctls().expireNodestConn() != 0) {
            for (IpvsConn cp : conns.all()) {
                if (cp.expired || cp.dest != d || cp.nControl > 0) continue;
                IpvsConn ctl = cp.control;
                connDel(cp);
                if (ctl != null && !ctl.expired && ctl.nControl == 0) connDel(ctl);
            }
        }
        return true;
    }

    /** ip_vs_conn_del: expire now without the "drop the non-assured template" rule of the timer path. */
    private void connDel(IpvsConn cp) {
        cp.timeoutMs = 0;
        cp.expired = true;
        conns.remove(cp);
        if (cp.control != null) {
            cp.control.nControl--;
            cp.control = null;
        }
        unbindDest(cp);
    }

    public List<IpvsService> services() {
        return Collections.unmodifiableList(services);
    }

    public IpvsService service(ServiceKey key) {
        for (IpvsService s : services) if (s.key.equals(key)) return s;
        return null;
    }

    public ConnTable connections() {
        expire();
        return conns;
    }

    public IpvsStats totalStats() {
        return total;
    }

    public IpvsSysctls sysctls() {
        // read once per Sysctls value (immutable; a change gives a new instance), not per packet
        io.fnlab.model.sysctl.Sysctls s = stack.sysctls();
        if (s != sysctlsFrom) {
            sysctlsCached = IpvsSysctls.from(s);
            sysctlsFrom = s;
        }
        return sysctlsCached;
    }

    private io.fnlab.model.sysctl.Sysctls sysctlsFrom;
    private IpvsSysctls sysctlsCached;

    /** Seconds of a state's timeout (tcp) or the udp timeout. */
    public int timeoutSeconds(int protocol, int state) {
        return protocol == 17 ? udpTimeout : tcpTimeouts[state];
    }

    void trace(Step s) {
        if (stack.tracer().on()) stack.tracer().step(s);
    }

    boolean tracing() {
        return stack.tracer().on();
    }

    // ------------------------------------------------------------------ service lookup

    /** ip_vs_service_find: fwmark first, then protocol/addr/port, then the port-zero service. */
    IpvsService serviceFind(long mark, int protocol, int vaddr, int vport) {
        if (mark != 0 && svcFwmTable.size() > 0) {
            IpvsService s = svcFwmTable.get(mark, 0);
            if (s != null) return s;
        }
        IpvsService s = svcTable.get(svcKey(protocol, vaddr, vport), 0);
        if (s == null && vport != 0) s = svcTable.get(svcKey(protocol, vaddr, 0), 0);
        return s;
    }

    private static long svcKey(int protocol, int addr, int port) {
        return (long) (protocol & 0xff) << 48 | (long) (port & 0xffff) << 32 | (addr & 0xffffffffL);
    }

    /** ip_vs_has_real_service: a real server with this address and port in some service of this protocol. */
    boolean hasRealService(int protocol, int addr, int port) {
        for (IpvsService s : services) {
            if (!s.key.isFwmark() && s.key.protocol().number() != protocol) continue;
            for (IpvsDest d : s.dests) if (d.addr.bits() == addr && d.port == port) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ timers

    /** Runs every connection timer due at IpStack.now() (ip_vs_conn_expire). */
    public void expire() {
        conns.expire(stack.now(), connExpire);
    }

    /** The timer callback, made once: a method reference built per call allocates on every packet. */
    private final java.util.function.Consumer<IpvsConn> connExpire = this::connExpire;

    /** ip_vs_conn_expire. */
    void connExpire(IpvsConn cp) {
        if (cp.nControl > 0) {
            // expire_later: a template lives while it controls connections; re-armed for 60 s
            cp.timeoutMs = 60_000;
            cp.expiresAt = stack.now() + cp.timeoutMs;
            return;
        }
        cp.expired = true;
        conns.remove(cp);
        IpvsConn ct = cp.control;
        if (ct != null) {
            boolean hasRef = cp.timeoutMs == 0;
            ct.nControl--;
            cp.control = null;
            // drop a non-assured template that is no longer used when its conn was expired now
            if (hasRef && ct.nControl == 0 && (!ct.isTemplate() || (ct.state & CTPL_ASSURED) == 0)) {
                ct.timeoutMs = 0;
                connExpire(ct);
            }
        }
        unbindDest(cp);
        if ((cp.flags & IpvsConn.F_NFCT) != 0 && (cp.flags & IpvsConn.F_ONE_PACKET) == 0 && tracing())
            if (tracing()) trace(new Step.NotModelled("ip_vs_conn_drop_conntrack",
                    "the conntrack entry of expired IPVS connection " + cp + " is not removed by fnlab"));
    }

    /** ip_vs_conn_expire_now: the timer fires at once. */
    void expireNow(IpvsConn cp) {
        cp.timeoutMs = 0;
        conns.setTimer(cp, stack.now());
        expire();
    }

    /** ip_vs_conn_put: re-arm the timer with the connection's current timeout. */
    void connPut(IpvsConn cp) {
        if (!cp.expired) conns.setTimer(cp, stack.now() + cp.timeoutMs);
    }

    // ------------------------------------------------------------------ connections

    /** ip_vs_conn_new + ip_vs_bind_dest. */
    IpvsConn connNew(IpvsService svc, int protocol, int caddr, int cport, int vaddr, int vport, IpvsDest dest,
                     int dport, int flags, long mark) {
        IpvsConn cp = new IpvsConn(svc, protocol, caddr, cport, vaddr, vport, dest.addr.bits(), dport, mark);
        cp.flags = flags;
        bindDest(cp, dest);
        cp.state = 0;
        cp.timeoutMs = 3_000;
        if (sysctls().conntrack() != 0) cp.flags |= IpvsConn.F_NFCT;
        cp.expiresAt = stack.now() + cp.timeoutMs;
        conns.hash(cp);
        return cp;
    }

    /**
     * ip_vs_bind_dest: the connection takes dest->conn_flags (forwarding method, INACTIVE, NOOUTPUT
     * for DR/TUN, as __ip_vs_update_dest builds them) and is counted as inactive (templates as
     * persistent); then the upper threshold may set OVERLOAD.
     */
    static void bindDest(IpvsConn cp, IpvsDest dest) {
        int connFlags = IpvsConn.flagsOf(dest.method) | IpvsConn.F_INACTIVE;
        if ((connFlags & IpvsConn.F_FWD_MASK) != IpvsConn.F_MASQ) connFlags |= IpvsConn.F_NOOUTPUT;
        cp.flags |= connFlags;
        cp.dest = dest;
        if (!cp.isTemplate()) {
            if ((cp.flags & IpvsConn.F_INACTIVE) == 0) dest.activeConns++;
            else dest.inactConns++;
        } else {
            dest.persistConns++;
        }
        dest.checkUpperThreshold();
    }

    /** ip_vs_unbind_dest. */
    static void unbindDest(IpvsConn cp) {
        IpvsDest dest = cp.dest;
        if (dest == null) return;
        if (!cp.isTemplate()) {
            if ((cp.flags & IpvsConn.F_INACTIVE) != 0) dest.inactConns--;
            else dest.activeConns--;
        } else {
            dest.persistConns--;
        }
        dest.checkLowerThreshold();
    }

    /** ip_vs_set_state: the protocol's state_transition (tcp_state_transition / udp_state_transition). */
    void setState(IpvsConn cp, int direction, SkBuff skb) {
        if (cp.protocol == 6) {
            int off = direction == TcpStates.DIR_INPUT ? 0 : 4;
            if ((cp.flags & IpvsConn.F_NOOUTPUT) != 0) {
                if (off == 4) cp.flags &= ~IpvsConn.F_NOOUTPUT;
                else off = 8;
            }
            int ns = TcpStates.next(cp.state, off, skb.tcpFlags);
            if (ns != cp.state) {
                IpvsDest dest = cp.dest;
                if (dest != null) {
                    if ((cp.flags & IpvsConn.F_INACTIVE) == 0 && !TcpStates.active(ns)) {
                        dest.activeConns--;
                        dest.inactConns++;
                        cp.flags |= IpvsConn.F_INACTIVE;
                    } else if ((cp.flags & IpvsConn.F_INACTIVE) != 0 && TcpStates.active(ns)) {
                        dest.activeConns++;
                        dest.inactConns--;
                        cp.flags &= ~IpvsConn.F_INACTIVE;
                    }
                }
                // ip_vs_control_assure_ct
                if (ns == TcpStates.ESTABLISHED && cp.control != null && cp.control.isTemplate())
                    cp.control.state |= CTPL_ASSURED;
            }
            cp.state = ns;
            cp.timeoutMs = tcpTimeouts[ns] * 1000L;
        } else if (cp.protocol == 17) {
            cp.timeoutMs = udpTimeout * 1000L;
        }
    }

    /**
     * ip_vs_conn_uses_old_conntrack: the connection uses conntrack and the packet carries a
     * confirmed entry. fnlab reads "confirmed" as: tracked and ctinfo is not IP_CT_NEW.
     */
    boolean usesOldConntrack(IpvsConn cp, SkBuff skb) {
        if ((cp.flags & IpvsConn.F_NFCT) == 0) return false;
        return stack.conntrack().tracked(skb) && skb.ctinfo != IP_CT_NEW;
    }

    /** is_new_conn_expected (the caller has excluded controlled connections). */
    static boolean isNewConnExpected(IpvsConn cp, int connReuseMode) {
        if (cp.protocol == 6) {
            return cp.state == TcpStates.TIME_WAIT || cp.state == TcpStates.CLOSE
                    || ((connReuseMode & 2) != 0 && cp.state == TcpStates.FIN_WAIT && (cp.flags & IpvsConn.F_NOOUTPUT) != 0);
        }
        return false;
    }

    static int length(SkBuff skb) {
        int l4 = skb.isTcp() ? 20 : skb.isUdp() || skb.isIcmp() ? 8 : 0;
        return 20 + l4 + skb.payload.length;
    }

    /** ip_vs_in_stats: the packet counts for its real server, its service and the total. */
    void inStats(IpvsConn cp, SkBuff skb) {
        int len = length(skb);
        if (cp.dest != null) countIn(cp.dest.stats, len);
        if (cp.svc != null) countIn(cp.svc.stats, len);
        countIn(total, len);
    }

    private static void countIn(IpvsStats s, int len) {
        s.inPkts++;
        s.inBytes += len;
    }

    /** ip_vs_out_stats. */
    void outStats(IpvsConn cp, SkBuff skb) {
        int len = length(skb);
        if (cp.dest != null) countOut(cp.dest.stats, len);
        if (cp.svc != null) countOut(cp.svc.stats, len);
        countOut(total, len);
    }

    private static void countOut(IpvsStats s, int len) {
        s.outPkts++;
        s.outBytes += len;
    }

    void connStats(IpvsConn cp) {
        if (cp.dest != null) cp.dest.stats.conns++;
        if (cp.svc != null) cp.svc.stats.conns++;
        total.conns++;
    }

    // ------------------------------------------------------------------ hook functions

    /** ip_vs_in_hook (LOCAL_IN 99, LOCAL_OUT -98): requests to virtual services. */
    public NfVerdict inHook(SkBuff skb, HookState state) {
        if (skb.ipvsProperty) return NfVerdict.ACCEPT;
        expire();
        if (skb.isIcmp()) {
            NfVerdict v = xmit.inIcmp(skb, state.hook());
            if (v != null) return v;
        }
        if (!skb.isTcp() && !skb.isUdp()) return NfVerdict.ACCEPT; // no ip_vs_proto_data: SCTP not modelled
        IpvsSysctls sys = sysctls();
        IpvsConn cp = conns.inGet(skb.protocol, skb.saddr, skb.sport, skb.daddr, skb.dport);

        // ip_vs_in_hook since "allow expire_nodest_conn with conn_reuse_mode=0" (5.14): a SYN for an
        // uncontrolled connection may reschedule it
        int reuse = sys.connReuseMode();
        if (cp != null && cp.control == null && skb.isTcp() && (skb.tcpFlags & 0x02) != 0) {
            boolean oldCt = false, resched = false;
            if (sys.expireNodestConn() != 0 && cp.dest != null && cp.dest.weight == 0) {
                resched = true;
                oldCt = usesOldConntrack(cp, skb);
            } else if (reuse != 0 && isNewConnExpected(cp, reuse)) {
                oldCt = usesOldConntrack(cp, skb);
                resched = cp.nControl == 0 || !oldCt;
            }
            if (resched) {
                if (!oldCt) cp.flags &= ~IpvsConn.F_NFCT;
                String was = cp.toString();
                if (cp.nControl == 0) expireNow(cp);
                if (oldCt) {
                    if (tracing()) trace(new Step.Dropped(OWNER, "conn_reuse_mode=" + reuse + ": SYN reuses the port of " + was
                            + " whose conntrack entry is still confirmed; the connection is expired and this SYN dropped"
                            + " (the client retransmits)"));
                    return NfVerdict.DROP;
                }
                if (tracing()) trace(new Step.Note("ipvs: conn_reuse_mode=" + reuse + ": SYN for " + was + " schedules a new connection"));
                cp = null;
            }
        }

        if (cp != null && cp.dest != null && !cp.dest.available) {
            if (sys.expireNodestConn() != 0) {
                boolean oldCt = usesOldConntrack(cp, skb);
                if (!oldCt) cp.flags &= ~IpvsConn.F_NFCT;
                String was = cp.toString();
                expireNow(cp);
                if (oldCt) {
                    if (tracing()) trace(new Step.Dropped(OWNER, "expire_nodest_conn=1: real server of " + was + " was removed; connection expired, packet dropped"));
                    return NfVerdict.DROP;
                }
                cp = null;
            } else {
                if (tracing()) trace(new Step.Dropped(OWNER, "real server " + cp.dest.endpoint() + " of " + cp
                        + " was removed and expire_nodest_conn=0: packets of the connection are dropped until it expires"));
                return NfVerdict.DROP;
            }
        }

        if (cp == null) {
            Scheduled r = tryToSchedule(skb, state.hook(), sys);
            if (r.verdict != null) return r.verdict;
            cp = r.conn;
        }
        skb.ipvsConn = cp;
        inStats(cp, skb);
        setState(cp, TcpStates.DIR_INPUT, skb);
        NfVerdict v = xmit.xmit(skb, cp, state.hook());
        if ((cp.flags & IpvsConn.F_ONE_PACKET) != 0) {
            expireNow(cp);
        } else {
            connPut(cp);
        }
        return v;
    }

    /** A scheduling outcome: a new connection, or the verdict for the packet. */
    record Scheduled(IpvsConn conn, NfVerdict verdict) {}

    /** ip_vs_try_to_schedule with tcp_conn_schedule / udp_conn_schedule. */
    Scheduled tryToSchedule(SkBuff skb, Hook hook, IpvsSysctls sys) {
        if (skb.isTcp()) {
            boolean syn = (skb.tcpFlags & 0x02) != 0, rst = (skb.tcpFlags & 0x04) != 0;
            // tcp_conn_schedule: only a SYN (any packet but RST with sloppy_tcp) may create a connection
            if (!((syn || sys.sloppyTcp() != 0) && !rst)) {
                IpvsService svc = serviceFind(skb.mark, skb.protocol, skb.daddr, skb.dport);
                if (svc != null && tracing())
                    if (tracing()) trace(new Step.Note("ipvs: no connection for " + skb + " and it cannot create one ("
                            + (rst ? "RST never does" : "not a SYN, sloppy_tcp=0") + "): continues as a normal packet"));
                return new Scheduled(null, NfVerdict.ACCEPT);
            }
        }
        IpvsService svc = serviceFind(skb.mark, skb.protocol, skb.daddr, skb.dport);
        if (svc == null) return new Scheduled(null, NfVerdict.ACCEPT);
        int[] ignored = {1};
        IpvsConn cp = schedule(svc, skb, hook, ignored);
        if (cp != null) return new Scheduled(cp, null);
        if (ignored[0] > 0) return new Scheduled(null, NfVerdict.ACCEPT);
        if (ignored[0] < 0) return new Scheduled(null, NfVerdict.DROP);
        return new Scheduled(null, leave(svc, skb));
    }

    /** ip_vs_leave without a cache_bypass: ICMP port unreachable to the client, drop. */
    NfVerdict leave(IpvsService svc, SkBuff skb) {
        if (!svc.key.isFwmark() && svc.key.port() == 21 && skb.dport != 21) return NfVerdict.ACCEPT;
        stack.icmpSend(skb, 3, 3);
        if (tracing()) trace(new Step.Dropped(OWNER, "ip_vs_leave: no real server for " + svc.name() + "; ICMP port unreachable sent to the client"));
        return NfVerdict.DROP;
    }

    /** ip_vs_schedule. ignored[0]: 1 = not for us (accept), 0 = no dest (leave), -1 = drop. */
    IpvsConn schedule(IpvsService svc, SkBuff skb, Hook hook, int[] ignored) {
        ignored[0] = 1;
        int cport = skb.sport, vport = skb.dport;
        if (cport == 20) return null; // FTPDATA from a real server is never scheduled
        if (hook == Hook.OUTPUT) {
            // do not schedule replies from a local real server
            IpvsConn rev = conns.inGet(skb.protocol, skb.daddr, skb.dport, skb.saddr, skb.sport);
            if (rev != null) return null;
        }
        if (svc.persistent()) return schedPersist(svc, skb, ignored);
        ignored[0] = 0;
        if (!svc.key.isFwmark() && vport != svc.key.port()) {
            if (tracing()) trace(new Step.IpvsSchedule(svc.name(), svc.scheduler.name(), null, null,
                    "port zero is only supported in persistent services"));
            return null;
        }
        Scheduler.Pick pick = pick(svc, skb);
        if (pick.dest() == null) {
            if (tracing()) trace(new Step.IpvsSchedule(svc.name(), svc.scheduler.name(), null, null, pick.reason()));
            return null;
        }
        IpvsDest dest = pick.dest();
        int flags = skb.isUdp() && svc.hasFlag("ops") ? IpvsConn.F_ONE_PACKET : 0;
        IpvsConn cp = connNew(svc, skb.protocol, skb.saddr, cport, skb.daddr, vport, dest,
                dest.port != 0 ? dest.port : vport, flags, skb.mark);
        connStats(cp);
        if (tracing()) trace(new Step.IpvsSchedule(svc.name(), svc.scheduler.name(), dest.endpoint(), dest.method.name(), pick.reason()));
        return cp;
    }

    /** sched->schedule(svc, skb, iph), reporting a scheduler fnlab does not model. */
    private Scheduler.Pick pick(IpvsService svc, SkBuff skb) {
        if (!io.fnlab.sim.ipvs.sched.Schedulers.isModelled(svc.scheduler.name()))
            if (tracing()) trace(new Step.NotModelled("IPVS scheduler " + svc.scheduler.name(), "service " + svc.name()
                    + " uses a scheduler fnlab does not model: no real server is chosen"));
        return svc.scheduler.schedule(svc, skb, stack.now());
    }

    /** ip_vs_sched_persist (FTP handling aside): a template per client network pins the real server. */
    IpvsConn schedPersist(IpvsService svc, SkBuff skb, int[] ignored) {
        int snet = skb.saddr & svc.netmask;
        int protocol = skb.protocol;
        int tvaddr = skb.daddr;
        int tvport = 0;
        if (skb.dport == svc.key.port()) {
            if (svc.key.port() != 21) tvport = skb.dport;
        } else if (svc.key.isFwmark()) {
            protocol = 0; // IPPROTO_IP: <IPPROTO_IP, caddr, 0, fwmark, 0>
            tvaddr = (int) svc.key.fwmark();
        }
        IpvsConn ct = conns.templateGet(protocol, snet, tvaddr, tvport);
        IpvsDest dest;
        String why;
        if (ct == null || !checkTemplate(ct)) {
            Scheduler.Pick pick = pick(svc, skb);
            if (pick.dest() == null) {
                ignored[0] = 0;
                if (tracing()) trace(new Step.IpvsSchedule(svc.name(), svc.scheduler.name(), null, null, pick.reason()));
                return null;
            }
            dest = pick.dest();
            ct = connNew(svc, protocol, snet, 0, tvaddr, tvport, dest, tvport != 0 ? dest.port : 0,
                    IpvsConn.F_TEMPLATE, skb.mark);
            ct.timeoutMs = svc.persistTimeout * 1000L;
            why = pick.reason() + "; new persistence template for " + new Ipv4(snet) + " (" + svc.persistTimeout + " s)";
        } else {
            dest = ct.dest;
            why = "persistence: template for client network " + new Ipv4(snet) + " pins " + dest.endpoint();
        }
        int dport = skb.dport;
        if (dport == svc.key.port() && dest.port != 0) dport = dest.port;
        int flags = skb.isUdp() && svc.hasFlag("ops") ? IpvsConn.F_ONE_PACKET : 0;
        IpvsConn cp = connNew(svc, skb.protocol, skb.saddr, skb.sport, skb.daddr, skb.dport, dest, dport, flags, skb.mark);
        // ip_vs_control_add
        cp.control = ct;
        ct.nControl++;
        connPut(ct);
        connStats(cp);
        ignored[0] = 0;
        if (tracing()) trace(new Step.IpvsSchedule(svc.name(), svc.scheduler.name(), dest.endpoint(), dest.method.name(), why));
        return cp;
    }

    /**
     * ip_vs_check_template: the template's dest must be available and, with
     * expire_quiescent_template, have weight > 0; otherwise the template is invalidated.
     */
    boolean checkTemplate(IpvsConn ct) {
        IpvsDest dest = ct.dest;
        if (dest == null || !dest.available || (sysctls().expireQuiescentTemplate() != 0 && dest.weight == 0)) {
            ct.invalidated = true;
            conns.unhash(ct);
            return false;
        }
        return true;
    }

    /** ip_vs_out_hook (LOCAL_IN 98, LOCAL_OUT -99, FORWARD 100): replies from real servers. */
    public NfVerdict outHook(SkBuff skb, HookState state) {
        if (skb.ipvsProperty) return NfVerdict.ACCEPT;
        expire();
        if (skb.isIcmp()) {
            NfVerdict v = xmit.outIcmp(skb, state.hook());
            if (v != null) return v;
        }
        if (!skb.isTcp() && !skb.isUdp()) return NfVerdict.ACCEPT;
        IpvsConn cp = conns.outGet(skb.protocol, skb.saddr, skb.sport, skb.daddr, skb.dport);
        if (cp != null) return xmit.handleResponse(skb, cp, state.hook());
        if (sysctls().natIcmpSend() != 0 && hasRealService(skb.protocol, skb.saddr, skb.sport)
                && !(skb.isTcp() && (skb.tcpFlags & 0x04) != 0)) {
            stack.icmpSend(skb, 3, 3);
            if (tracing()) trace(new Step.Dropped(OWNER, "nat_icmp_send=1: packet from real server " + skb.src() + ":" + skb.sport
                    + " without an IPVS connection; ICMP port unreachable sent to the real server"));
            return NfVerdict.DROP;
        }
        return NfVerdict.ACCEPT;
    }

    /** ip_vs_forward_icmp (FORWARD 99): ICMP errors for incoming IPVS connections (ip_vs_in_icmp). */
    public NfVerdict forwardIcmp(SkBuff skb, HookState state) {
        if (!skb.isIcmp()) return NfVerdict.ACCEPT;
        expire();
        NfVerdict v = xmit.inIcmp(skb, state.hook());
        return v == null ? NfVerdict.ACCEPT : v;
    }

    static FiveTuple tuple(SkBuff s) {
        return s.tuple();
    }
}
