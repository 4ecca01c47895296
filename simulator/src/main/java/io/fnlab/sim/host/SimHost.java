package io.fnlab.sim.host;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.netfilter.Hook;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.AddrtypeMatch.AddrType;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.NatRange;
import io.fnlab.model.netfilter.targets.Redirect;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.sysctl.Sysctls;
import io.fnlab.sim.conntrack.ConntrackApi;
import io.fnlab.sim.ipset.IpsetRegistry;
import io.fnlab.sim.conntrack.Conntrack;
import io.fnlab.sim.conntrack.CtNetnsGet;
import io.fnlab.sim.conntrack.CtInfo;
import io.fnlab.sim.conntrack.NfConn;
import io.fnlab.sim.nat.ManipType;
import io.fnlab.sim.nat.NatSpec;
import io.fnlab.sim.nat.NfNat;
import io.fnlab.sim.neigh.Arp;
import io.fnlab.sim.neigh.NeighTable;
import io.fnlab.sim.netfilter.HookOps;
import io.fnlab.sim.netfilter.HookRegistry;
import io.fnlab.sim.netfilter.HookState;
import io.fnlab.sim.netfilter.NfVerdict;
import io.fnlab.sim.netfilter.Priorities;
import io.fnlab.sim.netfilter.XtContext;
import io.fnlab.sim.route.Fib;
import io.fnlab.sim.route.IcmpRedirect;
import io.fnlab.sim.route.InetPeers;
import io.fnlab.sim.route.NhExceptions;
import io.fnlab.sim.route.RouteResult;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.sock.Listener;
import io.fnlab.sim.sock.SockHost;
import io.fnlab.sim.sock.SocketLayer;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Tracer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * One simulated Linux host (a network namespace): devices, addresses, FIB, netfilter hook
 * registry with conntrack, nf_nat and the loaded iptables tables, ARP, and sockets. The packet
 * path follows net/ipv4/ip_input.c, ip_forward.c and ip_output.c; every netfilter hook is walked
 * only through {@link #hooks()}.
 */
public final class SimHost implements IpStack, XtContext, Arp.Addrs {
    private final String name;
    private final Sysctls sysctls;
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final List<Address> addresses = new ArrayList<>();
    private final Fib fib;
    private final HookRegistry hooks = new HookRegistry();
    private final Conntrack conntrack;
    private final NfNat nat;
    private final SocketLayer sockets;
    private final NeighTable neigh = new NeighTable();
    /** net->ipv4.peers: per remote address, the rate state of redirects and ICMP errors. */
    private final InetPeers peers = new InetPeers();
    /** Next-hop exceptions left by accepted ICMP redirects. */
    private final NhExceptions exceptions = new NhExceptions();
    /** The redirect switches per device, read once (a host's sysctls are final). */
    private final Map<String, IcmpRedirect.Conf> redirectConf = new java.util.HashMap<>();
    private IcmpRedirect.Limits redirectLimits;
    /** icmp_ratelimit (ms, as jiffies) and icmp_ratemask; -1 until read. */
    private long icmpRatelimit = -1;
    private int icmpRatemask;
    private final Map<TableName, Table> tables = new LinkedHashMap<>();
    private final IpsetRegistry ipsets;
    private final RandomGenerator random;
    private TableWalker walker;
    private Link link = Link.NONE;
    private Tracer tracer = Tracer.OFF;
    /** xt_ipvs's view: IPVS keeps its struct ip_vs_conn in skb.ipvsConn, and that implements the view. */
    private Function<SkBuff, IpvsConnView> ipvsView = s -> s.ipvsConn instanceof IpvsConnView v ? v : null;
    private FlowListener flowListener = (flow, host, socket, view) -> {};

    /** Told when a server socket on this host serves a flow. */
    public interface FlowListener {
        void served(String flow, String host, String socket, FiveTuple serverView);

        /** A server socket on this host finished its side of the flow's TCP close. */
        default void closed(String flow, String host) {}
    }

    public SimHost(Host model, List<Server> servers, TableWalker walker, RandomGenerator random) {
        this.name = model.name();
        this.sysctls = model.config().sysctls();
        this.walker = walker;
        this.random = random;
        int idx = 1;
        devices.put("lo", new Device("lo", Interface.Kind.LOOPBACK, null, "00:00:00:00:00:00", idx++));
        for (Interface i : model.interfaces()) {
            if (i.kind() == Interface.Kind.LOOPBACK) continue;
            devices.put(i.name(), new Device(i.name(), i.kind(), i.segment(),
                    i.mac() != null ? i.mac() : Device.deriveMac(name, i.name()), idx++));
        }
        addresses.add(new Address(Prefix.parse("127.0.0.1/8"), "lo", Address.Scope.HOST));
        addresses.addAll(model.config().addresses());
        this.fib = new Fib(model.config().addresses(), model.config().routes(), model.config().rules());
        indexAddresses();
        this.ipsets = new IpsetRegistry(model.config().ipsets().values());
        this.conntrack = new Conntrack(this::now, () -> tracer, sysctls);
        this.nat = new NfNat(conntrack, new NfNat.Env() {
            public RandomGenerator random() {
                return SimHost.this.random;
            }

            public Tracer tracer() {
                return tracer;
            }

            public NfVerdict runNatTable(SkBuff skb, HookState state) {
                Table t = tables.get(TableName.NAT);
                return t == null ? NfVerdict.ACCEPT : SimHost.this.walker.walk(t, state.hook(), skb, state, SimHost.this);
            }
        });
        this.sockets = new SocketLayer(new Sockets());
        for (Server s : servers) {
            if (s.host().equals(name))
                sockets.listen(new Listener(s.protocol(), s.bind() == null ? 0 : s.bind().bits(), s.port(), s.response()));
        }
        for (Table t : model.config().iptables().tables().values()) tables.put(t.name(), t);
        registerHooks(CtNetnsGet.needed(model.config()));
    }

    /**
     * The hook ops a host of this configuration has: conntrack when a rule or IPVS asks for it
     * ({@link CtNetnsGet}), one op per loaded table and hook, nf_nat when the nat table is loaded
     * (it walks the table only for packets that have an entry). IPVS registers its own.
     */
    private void registerHooks(boolean tracked) {
        if (tracked) {
            hooks.register(new HookOps(Hook.PREROUTING, Priorities.CONNTRACK, "nf_conntrack", "ipv4_conntrack_in", conntrack::in));
            hooks.register(new HookOps(Hook.OUTPUT, Priorities.CONNTRACK, "nf_conntrack", "ipv4_conntrack_local", conntrack::in));
            hooks.register(new HookOps(Hook.POSTROUTING, Priorities.CONNTRACK_CONFIRM, "nf_conntrack", "ipv4_confirm", conntrack::confirm));
            hooks.register(new HookOps(Hook.INPUT, Priorities.CONNTRACK_CONFIRM, "nf_conntrack", "ipv4_confirm", conntrack::confirm));
        }
        for (Table t : tables.values()) {
            if (t.name() == TableName.NAT) {
                hooks.register(new HookOps(Hook.PREROUTING, Priorities.NAT_DST, "nf_nat", "nf_nat_ipv4_pre_routing", this::natPreRouting));
                hooks.register(new HookOps(Hook.OUTPUT, Priorities.NAT_DST, "nf_nat", "nf_nat_ipv4_local_fn", this::natLocalFn));
                hooks.register(new HookOps(Hook.POSTROUTING, Priorities.NAT_SRC, "nf_nat", "nf_nat_ipv4_out", nat::hook));
                hooks.register(new HookOps(Hook.INPUT, Priorities.NAT_SRC, "nf_nat", "nf_nat_ipv4_local_in", nat::hook));
                continue;
            }
            int prio = switch (t.name()) {
                case RAW -> Priorities.RAW;
                case MANGLE -> Priorities.MANGLE;
                case FILTER -> Priorities.FILTER;
                case SECURITY -> Priorities.SECURITY;
                case NAT -> Priorities.NAT_DST;
            };
            for (Hook h : t.name().hooks()) {
                String owner = "iptable_" + t.name().label();
                if (t.name() == TableName.MANGLE && h == Hook.OUTPUT) {
                    hooks.register(new HookOps(h, prio, owner, "ipt_mangle_out", (skb, st) -> mangleOut(t, skb, st)));
                } else {
                    hooks.register(new HookOps(h, prio, owner, "ipt_do_table", (skb, st) -> walker.walk(t, h, skb, st, this)));
                }
            }
        }
    }

    // ---- wiring ----

    /** The hook registry as `fnlab explain --hooks` prints it: hook, priority, owner, function; in run order. */
    public List<String> hookTable() {
        List<String> l = new ArrayList<>();
        for (Hook h : Hook.values())
            for (HookOps o : hooks.ops(h))
                l.add(String.format("%-11s %11d  %-16s %s", h, o.priority(), o.owner(), o.function()));
        return l;
    }

    public String name() {
        return name;
    }

    public HookRegistry hooks() {
        return hooks;
    }

    public IpStack stack() {
        return this;
    }

    /** The host's ipsets (xt_set lookups). */
    public IpsetRegistry ipsets() {
        return ipsets;
    }

    public XtContext xt() {
        return this;
    }

    public Conntrack conntrackTable() {
        return conntrack;
    }

    public NfNat nat() {
        return nat;
    }

    public SocketLayer sockets() {
        return sockets;
    }

    public Fib fib() {
        return fib;
    }

    public NeighTable neighbours() {
        return neigh;
    }

    /** The next-hop exceptions accepted ICMP redirects left on this host. */
    public NhExceptions nexthopExceptions() {
        return exceptions;
    }

    /** This host's inet_peer state (ICMP and redirect rate limits). */
    public InetPeers peers() {
        return peers;
    }

    /** The redirect switches of a device: conf.all and conf.DEV combined as the kernel does. */
    public IcmpRedirect.Conf redirectConf(String dev) {
        IcmpRedirect.Conf c = redirectConf.get(dev);
        if (c == null) {
            c = IcmpRedirect.Conf.of(sysctls, dev, forwarding(dev));
            redirectConf.put(dev, c);
        }
        return c;
    }

    public Map<String, Device> devices() {
        return devices;
    }

    public List<Address> addresses() {
        return List.copyOf(addresses);
    }

    public void setWalker(TableWalker w) {
        this.walker = w;
    }

    public void setLink(Link l) {
        this.link = l;
    }

    public void setTracer(Tracer t) {
        this.tracer = t == null ? Tracer.OFF : t;
    }

    /** IPVS plugs in its view of skb.ipvsConn for xt_ipvs. */
    public void setIpvsView(Function<SkBuff, IpvsConnView> f) {
        this.ipvsView = f;
    }

    public void setFlowListener(FlowListener l) {
        this.flowListener = l;
    }

    // ---- sysctls ----

    /** A per-device conf value: conf.DEV.key, defaulting to conf.default.key, then dflt. */
    int devConf(String dev, String key, int dflt) {
        int v = conf(dev, key);
        if (v != UNSET) return v;
        v = conf("default", key);
        return v != UNSET ? v : dflt;
    }

    private static final int UNSET = Integer.MIN_VALUE;
    private int ipForward = UNSET;
    /** net.ipv4.conf.DEV.KEY values by device then key, read once (a host's sysctls are final). */
    private final Map<String, Map<String, Integer>> confCache = new java.util.HashMap<>();

    private int conf(String dev, String key) {
        Map<String, Integer> m = confCache.computeIfAbsent(dev, k -> new java.util.HashMap<>());
        Integer v = m.get(key);
        if (v == null) {
            v = sysctls.getInt("net.ipv4.conf." + dev + "." + key, UNSET);
            m.put(key, v);
        }
        return v;
    }

    /** IN_DEV_MAXCONF: max(conf.all.key, conf.DEV.key). */
    int maxConf(String dev, String key, int dflt) {
        int all = conf("all", key);
        return Math.max(all == UNSET ? dflt : all, devConf(dev, key, dflt));
    }

    /** IN_DEV_FORWARD: conf.DEV.forwarding; net.ipv4.ip_forward writes all of them. */
    boolean forwarding(String dev) {
        return inDev(dev).forwarding;
    }

    private boolean readForwarding(String dev) {
        if (ipForward == UNSET) ipForward = sysctls.getInt("net.ipv4.ip_forward", sysctls.getInt("net.ipv4.conf.all.forwarding", 0));
        int v = conf(dev, "forwarding");
        return (v == UNSET ? ipForward : v) != 0;
    }

    /**
     * What the packet path reads of a device's in_device (its struct ipv4_devconf, combined with
     * conf.all as the IN_DEV_* macros do), worked out once per device: the sysctls and devices of
     * a host do not change under a walk, and a string-keyed lookup per packet and key cost more
     * than the rest of routing.
     */
    static final class InDev {
        final Device device;
        final boolean forwarding, acceptLocal;
        final int routeLocalnet, rpFilter, arpAnnounce;

        InDev(Device device, boolean forwarding, boolean acceptLocal, int routeLocalnet, int rpFilter, int arpAnnounce) {
            this.device = device;
            this.forwarding = forwarding;
            this.acceptLocal = acceptLocal;
            this.routeLocalnet = routeLocalnet;
            this.rpFilter = rpFilter;
            this.arpAnnounce = arpAnnounce;
        }
    }

    private final Map<String, InDev> inDevs = new java.util.HashMap<>();
    /**
     * The last two devices asked for: a walk asks for the same one several times (the name is the
     * same String object), and a director's walks alternate between its client and server sides.
     */
    private String lastInDevName, prevInDevName;
    private InDev lastInDev, prevInDev;

    InDev inDev(String dev) {
        if (dev == lastInDevName) return lastInDev;
        if (dev == prevInDevName) {
            InDev d = prevInDev;
            prevInDevName = lastInDevName;
            prevInDev = lastInDev;
            lastInDevName = dev;
            lastInDev = d;
            return d;
        }
        InDev d = inDevs.get(dev);
        if (d == null) {
            boolean acceptLocal = devConf(dev, "accept_local", 0) != 0 || (conf("all", "accept_local") != UNSET && conf("all", "accept_local") != 0);
            d = new InDev(devices.get(dev), readForwarding(dev), acceptLocal, maxConf(dev, "route_localnet", 0), maxConf(dev, "rp_filter", 0),
                    maxConf(dev, "arp_announce", 0));
            inDevs.put(dev, d);
        }
        prevInDevName = lastInDevName;
        prevInDev = lastInDev;
        lastInDevName = dev;
        lastInDev = d;
        return d;
    }

    // ---- the packet path ----

    private void trace(Step s) {
        if (tracer.on()) tracer.step(s);
    }

    private void drop(String by, String reason) {
        if (tracer.on()) trace(new Step.Dropped(by, reason));
        link.disposition("dropped on " + name + " by " + by + ": " + reason);
    }

    /**
     * NF_HOOK: run the registered ops of a hook in priority order; STOLEN and DROP end the walk.
     * In the trace each op's HookRan step (with its verdict) comes first, then the steps the op
     * reported while it ran (rules, rewrites, and for a re-injecting op the whole re-injected path).
     */
    public NfVerdict runHook(Hook h, SkBuff skb, HookState st) {
        for (HookOps ops : hooks.ops(h)) {
            NfVerdict v;
            if (!tracer.on()) {
                v = ops.fn().hook(skb, st);
            } else {
                Tracer outer = tracer;
                List<Step> inner = new ArrayList<>();
                tracer = new Tracer() {
                    public boolean on() {
                        return true;
                    }

                    public void step(Step s) {
                        inner.add(s);
                    }
                };
                try {
                    v = ops.fn().hook(skb, st);
                } finally {
                    tracer = outer;
                }
                outer.step(new Step.HookRan(h.name(), ops.priority(), ops.owner(), ops.function(), v.name()));
                for (Step s : inner) outer.step(s);
            }
            switch (v) {
                case ACCEPT:
                    continue;
                case DROP:
                    drop(ops.owner(), ops.function() + " at " + h + " returned NF_DROP");
                    return NfVerdict.DROP;
                case STOLEN:
                    return NfVerdict.STOLEN;
                default:
                    if (tracer.on()) trace(new Step.NotModelled("NF_" + v, ops.function() + " returned " + v + "; fnlab drops the packet"));
                    drop(ops.owner(), "verdict " + v + " not modelled");
                    return NfVerdict.DROP;
            }
        }
        return NfVerdict.ACCEPT;
    }

    /** A frame for this host arrived on dev (from the wire or the loopback). */
    public void receive(String dev, SkBuff skb) {
        skb.inDev = dev;
        skb.outDev = null;
        if (tracer.on()) trace(new Step.Received(dev, skb.toString()));
        ipRcv(skb);
    }

    /** ip_rcv: PREROUTING, then ip_rcv_finish. */
    void ipRcv(SkBuff skb) {
        if (runHook(Hook.PREROUTING, skb, new HookState(Hook.PREROUTING, skb.inDev, null)) != NfVerdict.ACCEPT) return;
        ipRcvFinish(skb);
    }

    /** ip_rcv_finish: route unless the skb already has a dst (loopback keeps it), then dst_input. */
    void ipRcvFinish(SkBuff skb) {
        if (!(skb.dst instanceof RouteResult)) {
            if (!routeInput(skb)) return;
        }
        RouteResult rt = (RouteResult) skb.dst;
        if (rt.isLocal()) ipLocalDeliver(skb); else ipForward(skb);
    }

    /** ip_route_input_slow: martians, the FIB, source validation, forwarding. Drops (and says why) on failure. */
    boolean routeInput(SkBuff skb) {
        String dev = skb.inDev;
        int s = skb.saddr, d = skb.daddr;
        Ipv4 src = new Ipv4(s), dst = new Ipv4(d);
        if (src.isMulticast() || s == -1 || (s >>> 24) == 0) {
            drop("ip_route_input_slow", "martian source " + src);
            return false;
        }
        if (dst.isMulticast() || d == -1) {
            if (tracer.on()) trace(new Step.NotModelled("broadcast/multicast", "destination " + dst));
            drop("ip_route_input_slow", "broadcast and multicast input are not modelled");
            return false;
        }
        if ((d >>> 24) == 0) {
            drop("ip_route_input_slow", "martian destination " + dst);
            return false;
        }
        InDev in = inDev(dev);
        boolean localnet = in.routeLocalnet != 0;
        if (!in.device.isLoopback() && !localnet && (dst.isLoopback() || src.isLoopback())) {
            drop("ip_route_input_slow", "martian " + (dst.isLoopback() ? "destination " + dst : "source " + src)
                    + " on " + dev + " (route_localnet=0)");
            return false;
        }
        RouteResult res = fib.lookup(d, s, skb.mark, dev, null);
        if (res == null || res.isError()) {
            String err = res == null ? "ENETUNREACH" : switch (res.type()) {
                case BLACKHOLE -> "EINVAL";
                case PROHIBIT -> "EACCES";
                default -> "EHOSTUNREACH";
            };
            if (res != null) trace(new Step.Routed(dst.toString(), res.text(), null, null, res.table()));
            ipError(skb, forwarding(dev) ? err : "EHOSTUNREACH");
            return false;
        }
        if (tracer.on()) trace(new Step.Routed(dst.toString(), res.text(), res.dev(), res.gateway() == 0 ? null : new Ipv4(res.gateway()).toString(),
                res.table()));
        if (res.type() == Route.Type.LOCAL) {
            String why = validateSource(skb, dev);
            if (why != null) {
                drop("fib_validate_source", why);
                return false;
            }
            skb.dst = res;
            return true;
        }
        if (res.type() == Route.Type.BROADCAST) {
            drop("ip_route_input_slow", "broadcast input is not modelled");
            return false;
        }
        if (!forwarding(dev)) {
            ipError(skb, "EHOSTUNREACH");
            return false;
        }
        String why = validateSource(skb, dev);
        if (why != null) {
            drop("fib_validate_source", why);
            return false;
        }
        skb.dst = withException(res, d);
        return true;
    }

    /**
     * find_exception + rt_set_nexthop: a destination an accepted ICMP redirect moved goes to the
     * exception's gateway instead of the route's. Costs one emptiness check on hosts without any.
     */
    private RouteResult withException(RouteResult r, int daddr) {
        if (exceptions.isEmpty()) return r;
        NhExceptions.Fnhe f = exceptions.find(r, daddr, now());
        if (f == null) return r;
        if (tracer.on()) trace(new Step.Note("next-hop exception (an accepted ICMP redirect): " + NhExceptions.describe(f)));
        return NhExceptions.apply(r, f);
    }

    /** ip_error: with forwarding off the packet dies silently (IPSTATS_MIB_INADDRERRORS); else an ICMP error. */
    private void ipError(SkBuff skb, String err) {
        if (!forwarding(skb.inDev)) {
            drop("ip_error", "forwarding is disabled on " + skb.inDev + " (net.ipv4.ip_forward=0 / conf." + skb.inDev
                    + ".forwarding=0): the packet is not for this host and is dropped without ICMP");
            return;
        }
        if (!err.equals("EINVAL") && !ipErrorAllowed(skb)) {
            drop("ip_error", err + ": no ICMP this time (ip_rt_error_cost/ip_rt_error_burst limit on " + skb.src() + "'s inet_peer)");
            return;
        }
        switch (err) {
            case "EINVAL" -> drop("ip_error", "blackhole route");
            case "EACCES" -> { drop("ip_error", "prohibit route: ICMP admin prohibited"); icmpSend(skb, 3, 13); }
            case "ENETUNREACH" -> { drop("ip_error", "no route: ICMP net unreachable"); icmpSend(skb, 3, 0); }
            default -> { drop("ip_error", "unreachable route: ICMP host unreachable"); icmpSend(skb, 3, 1); }
        }
    }

    /**
     * ip_error's own limit on the source's inet_peer: rate_tokens gain the jiffies since rate_last
     * up to ip_rt_error_burst (5 s), an error costs ip_rt_error_cost (1 s). icmp_send then applies
     * icmp_ratelimit to the same peer.
     */
    private boolean ipErrorAllowed(SkBuff skb) {
        long j = InetPeers.jiffies(now());
        InetPeers.Peer p = peers.get(skb.saddr, j);
        long cost = sysctls.getInt("net.ipv4.route.error_cost", InetPeers.HZ), burst = sysctls.getInt("net.ipv4.route.error_burst", 5 * InetPeers.HZ);
        p.rateTokens += j - p.rateLast;
        if (p.rateTokens > burst) p.rateTokens = burst;
        p.rateLast = j;
        if (p.rateTokens >= cost) {
            p.rateTokens -= cost;
            return true;
        }
        return false;
    }

    /**
     * fib_validate_source / __fib_validate_source: rp_filter = max(conf.all, conf.DEV); the reverse
     * lookup (daddr = saddr, iif = lo, mark 0) must be unicast and, when strict, leave by dev.
     * Returns null when valid, else the reason in kernel terms.
     */
    String validateSource(SkBuff skb, String dev) {
        InDev in = inDev(dev);
        int rpf = in.rpFilter;
        boolean acceptLocal = in.acceptLocal;
        if (rpf == 0) {
            if (!acceptLocal && isLocalAddress(skb.saddr) && !in.device.isLoopback())
                return "martian source " + new Ipv4(skb.saddr) + ": it is a local address (accept_local=0)";
            return null;
        }
        RouteResult back = fib.lookup(skb.saddr, skb.daddr, 0, "lo", null);
        if (back == null || back.isError()) return "rp_filter=" + rpf + ": no route back to " + new Ipv4(skb.saddr);
        if (back.type() != Route.Type.UNICAST && !(back.type() == Route.Type.LOCAL && acceptLocal))
            return "martian source " + new Ipv4(skb.saddr) + ": the route to it is " + back.type();
        if (dev.equals(back.dev())) return null;
        if (addressesOn(dev).isEmpty()) return "rp_filter=" + rpf + ": " + dev + " has no IPv4 address";
        if (rpf == 1) return "rp_filter=1 (strict): the route back to " + new Ipv4(skb.saddr) + " leaves by "
                + back.dev() + ", not " + dev + " where the packet came in";
        return null; // loose: any unicast route back will do
    }

    /** ip_local_deliver: INPUT, then the protocol handler. */
    void ipLocalDeliver(SkBuff skb) {
        if (runHook(Hook.INPUT, skb, new HookState(Hook.INPUT, skb.inDev, null)) != NfVerdict.ACCEPT) return;
        if (skb.protocol == 4) {
            ipipRcv(skb);
            return;
        }
        sockets.receive(skb);
        link.disposition("delivered on " + name);
    }

    /** ipip_rcv: decapsulate onto the host's ipip device, the inner packet re-enters ip_rcv. */
    private void ipipRcv(SkBuff skb) {
        Device tun = devices.values().stream().filter(d -> d.kind() == Interface.Kind.IPIP).findFirst().orElse(null);
        if (tun == null || skb.inner == null) {
            drop("ip_local_deliver_finish", "IPIP packet but no ipip device (tunl0): ICMP protocol unreachable");
            icmpSend(skb, 3, 2);
            return;
        }
        // ip_tunnel_rcv: skb_scrub_packet + nf_reset_ct; the mark stays (same netns)
        SkBuff in = scrubbed(skb.inner);
        in.mark = skb.mark;
        if (tracer.on()) trace(new Step.Note("ipip_rcv: decapsulated onto " + tun.name()));
        link.loopback(this, tun.name(), in);
    }

    /** ip_forward: TTL, FORWARD hook, then ip_output. */
    void ipForward(SkBuff skb) {
        RouteResult rt = (RouteResult) skb.dst;
        if (skb.ttl <= 1) {
            drop("ip_forward", "TTL expired: ICMP time exceeded to the sender, unless icmp_ratelimit holds it back (see the next step)");
            icmpSend(skb, 11, 0);
            return;
        }
        skb.ttl--;
        // ip_forward: IPSKB_DOREDIRECT (set by __mkroute_input) -> ip_rt_send_redirect, before FORWARD;
        // the test is made here, where it is read; a packet that leaves by another device pays one compare
        if (rt.dev().equals(skb.inDev) && redirectDue(skb, rt)) ipRtSendRedirect(skb, rt);
        skb.outDev = rt.dev();
        if (runHook(Hook.FORWARD, skb, new HookState(Hook.FORWARD, skb.inDev, rt.dev())) != NfVerdict.ACCEPT) return;
        dstOutput(skb);
    }

    /**
     * __mkroute_input's IPSKB_DOREDIRECT for a packet that leaves by the device it came in on:
     * send_redirects on that device (IN_DEV_TX_REDIRECTS, all || DEV), fib_validate_source
     * returned 1 (the sender is directly connected there, see {@link #sourceOnLink}), and the
     * medium is shared (shared_media, all || DEV, default 1) or the sender and the route's gateway
     * share a subnet of the device (inet_addr_onlink).
     */
    private boolean redirectDue(SkBuff skb, RouteResult rt) {
        IcmpRedirect.Conf c = redirectConf(rt.dev());
        if (!c.send() || !sourceOnLink(skb, rt.dev())) return false;
        return c.sharedMedia() || onLink(rt.dev(), skb.saddr, rt.gateway());
    }

    /**
     * fib_validate_source's positive answer (__fib_validate_source "ret"): the route back to the
     * source, looked up from dev, goes through dev without a gateway (its nexthop scope is host),
     * or, when it goes elsewhere and rp_filter is not strict, the route back restricted to dev does.
     */
    private boolean sourceOnLink(SkBuff skb, String dev) {
        RouteResult back = fib.lookup(skb.saddr, skb.daddr, 0, dev, null);
        if (back == null || back.type() != Route.Type.UNICAST) return false;
        if (dev.equals(back.dev())) return back.gateway() == 0;
        if (addressesOn(dev).isEmpty() || maxConf(dev, "rp_filter", 0) == 1) return false;
        RouteResult viaDev = fib.lookup(skb.saddr, skb.daddr, 0, dev, dev);
        return viaDev != null && viaDev.type() == Route.Type.UNICAST && viaDev.gateway() == 0;
    }

    /**
     * ip_rt_send_redirect: an ICMP host redirect to the sender telling it the next hop for the
     * destination (rt_nexthop: the route's gateway, or the destination itself when on-link),
     * subject to the back-off kept in the sender's inet_peer (ip_rt_redirect_number/load/silence).
     * The redirect goes out at once, before the packet walks FORWARD, as icmp_send does it.
     */
    private void ipRtSendRedirect(SkBuff skb, RouteResult rt) {
        if (redirectLimits == null) redirectLimits = IcmpRedirect.Limits.of(sysctls);
        long j = InetPeers.jiffies(now());
        InetPeers.Peer p = peers.get(skb.saddr, j);
        int gw = rt.nextHop(skb.daddr);
        if (!IcmpRedirect.allow(p, j, redirectLimits)) {
            if (tracer.on()) trace(new Step.Note("ip_rt_send_redirect: no redirect to " + skb.src() + " this time ("
                    + (p.nRedirects >= redirectLimits.number() ? p.nRedirects + " sent and ignored: silent until none is due for "
                    + redirectLimits.silence() * 1000 / InetPeers.HZ + " ms" : "back-off: redirect " + (p.nRedirects + 1) + " waits "
                    + (redirectLimits.load() << p.nRedirects) * 1000 / InetPeers.HZ + " ms after the last") + ")"));
            return;
        }
        if (tracer.on()) trace(new Step.Note("ip_rt_send_redirect: " + skb.src() + " sent this to " + skb.dst() + " through us, but "
                + rt.dev() + " is the device it came in on and the sender is on that link: ICMP redirect (host) to use "
                + new Ipv4(gw) + " (send_redirects on)"));
        icmpSend(skb, IcmpRedirect.TYPE, IcmpRedirect.CODE_HOST, gw);
    }

    /** ip_output: POSTROUTING, then ip_finish_output2 (neighbour). */
    void dstOutput(SkBuff skb) {
        RouteResult rt = (RouteResult) skb.dst;
        skb.outDev = rt.dev();
        if (runHook(Hook.POSTROUTING, skb, new HookState(Hook.POSTROUTING, null, rt.dev())) != NfVerdict.ACCEPT) return;
        neighOutput(skb);
    }

    /** ip_finish_output2 / neigh_output: loopback, dummy, or ARP then the wire. */
    void neighOutput(SkBuff skb) {
        RouteResult rt = (RouteResult) skb.dst;
        Device dev = devices.get(rt.dev());
        if (dev == null) {
            drop("ip_finish_output2", "no device " + rt.dev());
            return;
        }
        switch (dev.kind()) {
            case LOOPBACK -> {
                if (tracer.on()) trace(new Step.Transmitted("lo", null, skb.toString()));
                link.loopback(this, "lo", skb);
                return;
            }
            case DUMMY -> {
                drop("dummy_xmit", dev.name() + " is a dummy device: it discards what it is given");
                return;
            }
            case IPIP -> {
                if (tracer.on()) trace(new Step.NotModelled("ipip xmit", "routing into " + dev.name() + " (ipip_tunnel_xmit) is not modelled"));
                drop("ipip", "tunnel transmit not modelled");
                return;
            }
            default -> { }
        }
        // IP_VS_RT_MODE_KNOWN_NH (DR): the route was looked up for the real server, daddr stays the VIP
        int nh = skb.knownNextHop != 0 ? rt.nextHop(skb.knownNextHop) : rt.nextHop(skb.daddr);
        String mac = neigh.lookup(dev.name(), nh);
        if (mac != null) {
            if (tracer.on()) trace(new Step.Neighbour(dev.name(), new Ipv4(nh).toString(), "cached " + mac));
        } else {
            int sip = Arp.requestSource(this, dev.name(), skb.saddr, nh, inDev(dev.name()).arpAnnounce);
            mac = link.arpRequest(this, dev.name(), sip, dev.mac(), nh);
            if (mac == null) {
                if (tracer.on()) trace(new Step.Neighbour(dev.name(), new Ipv4(nh).toString(), "FAILED: no ARP reply (who-has "
                        + new Ipv4(nh) + " tell " + new Ipv4(sip) + ")"));
                long failAfter = neighFailureMillis(dev.name());
                drop("neigh", "next hop " + new Ipv4(nh) + " did not answer ARP" + (skb.locallyGenerated ? ""
                        : "; ICMP host unreachable to the sender when the entry fails, " + failAfter + " ms later"));
                // the packet waits on the INCOMPLETE entry; arp_error_report answers it once the
                // last probe has gone unanswered (NUD_FAILED), not at once
                if (!skb.locallyGenerated) link.after(this, failAfter, () -> icmpSend(skb, 3, 1));
                return;
            }
            neigh.update(dev.name(), nh, mac);
            if (tracer.on()) trace(new Step.Neighbour(dev.name(), new Ipv4(nh).toString(), "who-has " + new Ipv4(nh) + " tell "
                    + new Ipv4(sip) + ": is-at " + mac));
        }
        if (tracer.on()) trace(new Step.Transmitted(dev.name(), new Ipv4(nh).toString(), skb.toString()));
        link.transmit(this, dev.name(), mac, skb);
    }

    /**
     * Clear what belongs to this host before the packet leaves on a wire (skb_scrub_packet with
     * xnet): conntrack, IPVS state, route, devices, mark; an encapsulated or quoted packet too.
     */
    public static SkBuff scrubbed(SkBuff skb) {
        SkBuff c = skb.copy();
        scrub(c);
        return c;
    }

    private static void scrub(SkBuff c) {
        c.nfct = null; c.ctinfo = 0; c.untracked = false; c.ipvsProperty = false; c.ipvsConn = null; c.dst = null;
        c.inDev = null; c.outDev = null; c.locallyGenerated = false; c.mark = 0; c.knownNextHop = 0;
        if (c.inner != null) scrub(c.inner);
        if (c.icmpInner != null) scrub(c.icmpInner);
    }

    /** arp_process for a request that reached dev: refresh the sender's entry, answer per arp_ignore. */
    public String arpReceive(String dev, int sip, String sha, int tip) {
        Device d = devices.get(dev);
        String why = Arp.whyNotAnswer(this, dev, sip, tip, maxConf(dev, "arp_ignore", 0));
        if (why == null) {
            // ip_route_input on the request (tip from sip): rp_filter applies to ARP too
            SkBuff probe = new SkBuff();
            probe.saddr = sip;
            probe.daddr = tip;
            if (sip != 0 && maxConf(dev, "rp_filter", 0) != 0 && validateSource(probe, dev) != null) why = "rp_filter: "
                    + validateSource(probe, dev);
        }
        if (why == null || neigh.has(dev, sip)) neigh.update(dev, sip, sha); // neigh_event_ns / existing entry update
        return why == null ? d.mac() : null;
    }

    // ---- local output ----

    /** A new local packet: route it (selecting the source when saddr is 0) and send it through OUTPUT. */
    public boolean sendLocal(SkBuff skb) {
        skb.locallyGenerated = true;
        if (!routeOutput(skb)) {
            drop("ip_route_output", "no route to " + skb.dst());
            return false;
        }
        localOut(skb);
        return true;
    }

    @Override
    public boolean routeOutput(SkBuff skb) {
        RouteResult res = fib.lookup(skb.daddr, skb.saddr, skb.mark, "lo", null);
        if (res == null || res.isError()) {
            if (tracer.on()) trace(new Step.Routed(skb.dst().toString(), res == null ? "none (ENETUNREACH)" : res.text(), null, null,
                    res == null ? null : res.table()));
            return false;
        }
        if (res.isLocal()) res = new RouteResult(Route.Type.LOCAL, "lo", 0, res.prefsrc(), res.table(), res.text());
        if (skb.saddr == 0) {
            int src = res.isLocal() ? skb.daddr : res.prefsrc() != 0 ? res.prefsrc()
                    : selectAddr(res.dev(), res.nextHop(skb.daddr), 0);
            skb.saddr = src;
        }
        res = withException(res, skb.daddr);
        skb.dst = res;
        skb.outDev = res.dev();
        if (tracer.on()) trace(new Step.Routed(skb.dst().toString(), res.text(), res.dev(), res.gateway() == 0 ? null
                : new Ipv4(res.gateway()).toString(), res.table()));
        return true;
    }

    @Override
    public void localOut(SkBuff skb) {
        skb.locallyGenerated = true;
        if (!(skb.dst instanceof RouteResult) && !routeOutput(skb)) {
            drop("ip_route_output", "no route");
            return;
        }
        RouteResult rt = (RouteResult) skb.dst;
        if (runHook(Hook.OUTPUT, skb, new HookState(Hook.OUTPUT, null, rt.dev())) != NfVerdict.ACCEPT) return;
        dstOutput(skb);
    }

    /**
     * How long a new neighbour entry stays INCOMPLETE before it fails: mcast_solicit probes (3),
     * retrans_time_ms (1000) apart (neigh_timer_handler), from net.ipv4.neigh.DEV.* or .default.*.
     */
    private long neighFailureMillis(String dev) {
        long probes = neighSysctl(dev, "mcast_solicit", 3), retrans = neighSysctl(dev, "retrans_time_ms", 1000);
        return Math.max(1, probes) * Math.max(1, retrans);
    }

    private long neighSysctl(String dev, String key, int dflt) {
        int v = sysctls.getInt("net.ipv4.neigh." + dev + "." + key, Integer.MIN_VALUE);
        if (v == Integer.MIN_VALUE) v = sysctls.getInt("net.ipv4.neigh.default." + key, dflt);
        return v;
    }

    /** nf_nat_ipv4_local_fn: after a destination change, ip_route_me_harder. */
    private NfVerdict natLocalFn(SkBuff skb, HookState st) {
        int d = skb.daddr;
        NfVerdict v = nat.hook(skb, st);
        if (v == NfVerdict.ACCEPT && d != skb.daddr) return rerouteMeHarder(skb);
        return v;
    }

    /** nf_nat_ipv4_pre_routing: a changed destination drops the skb's dst so that routing runs again. */
    private NfVerdict natPreRouting(SkBuff skb, HookState st) {
        int d = skb.daddr;
        NfVerdict v = nat.hook(skb, st);
        if (v == NfVerdict.ACCEPT && d != skb.daddr) skb.dst = null;
        return v;
    }

    /** ipt_mangle_out: reroute when the mark or addresses changed. */
    private NfVerdict mangleOut(Table t, SkBuff skb, HookState st) {
        int s = skb.saddr, d = skb.daddr;
        long m = skb.mark;
        NfVerdict v = walker.walk(t, Hook.OUTPUT, skb, st, this);
        if (v == NfVerdict.ACCEPT && (s != skb.saddr || d != skb.daddr || m != skb.mark)) return rerouteMeHarder(skb);
        return v;
    }

    private NfVerdict rerouteMeHarder(SkBuff skb) {
        RouteResult res = fib.lookup(skb.daddr, skb.saddr, skb.mark, "lo", null);
        if (res == null || res.isError()) {
            if (tracer.on()) trace(new Step.Dropped("ip_route_me_harder", "no route to " + skb.dst() + " after the rewrite"));
            return NfVerdict.DROP;
        }
        if (res.isLocal()) res = new RouteResult(Route.Type.LOCAL, "lo", 0, res.prefsrc(), res.table(), res.text());
        res = withException(res, skb.daddr);
        skb.dst = res;
        skb.outDev = res.dev();
        if (tracer.on()) trace(new Step.Routed(skb.dst().toString(), res.text(), res.dev(), res.gateway() == 0 ? null
                : new Ipv4(res.gateway()).toString(), res.table() + " (ip_route_me_harder)"));
        return NfVerdict.ACCEPT;
    }

    // ---- addresses ----

    /**
     * The addresses of each device and its primaries, computed once (a host's addresses do not
     * change after it is built): a packet walk asks for them several times, and a kube-proxy IPVS
     * node has one address per service on kube-ipvs0.
     */
    private final Map<String, List<Address>> addrByDev = new java.util.HashMap<>();
    private final Map<String, List<Address>> primariesByDev = new java.util.HashMap<>();

    private void indexAddresses() {
        Map<String, List<Address>> by = new LinkedHashMap<>();
        for (Address a : addresses) by.computeIfAbsent(a.device(), k -> new ArrayList<>()).add(a);
        for (var e : by.entrySet()) {
            addrByDev.put(e.getKey(), List.copyOf(e.getValue()));
            List<Address> prim = new ArrayList<>();
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (Address a : e.getValue()) {
                // a secondary: an earlier primary of the same length already covers its subnet
                long subnet = (long) a.prefix().length() << 32 | (a.prefix().address().bits() & Prefix.maskOf(a.prefix().length()) & 0xffffffffL);
                if (seen.add(subnet)) prim.add(a);
            }
            primariesByDev.put(e.getKey(), List.copyOf(prim));
        }
    }

    public List<Address> addressesOn(String dev) {
        return addrByDev.getOrDefault(dev, List.of());
    }

    /** Primary addresses: the first of each subnet on a device (later ones are secondaries). */
    List<Address> primariesOn(String dev) {
        return primariesByDev.getOrDefault(dev, List.of());
    }

    static int scopeValue(Address.Scope s) {
        return switch (s) {
            case GLOBAL -> 0;
            case LINK -> 253;
            case HOST -> 254;
        };
    }

    /**
     * inet_select_addr(dev, dst, scope) (devinet.c): the first primary address of dev within scope
     * whose subnet holds dst, else its first in scope; if dev has none, the first address of another
     * device (by ifindex) that is not link scope and within scope.
     */
    @Override
    public int selectAddr(String dev, int dst) {
        return selectAddr(dev, dst, 253);
    }

    public int selectAddr(String dev, int dst, int scope) {
        int addr = 0;
        for (Address a : primariesOn(dev)) {
            if (scopeValue(a.scope()) > scope) continue;
            if (dst == 0 || a.prefix().contains(new Ipv4(dst))) return a.prefix().address().bits();
            if (addr == 0) addr = a.prefix().address().bits();
        }
        if (addr != 0) return addr;
        for (Device d : devices.values()) {
            for (Address a : primariesOn(d.name())) {
                int sc = scopeValue(a.scope());
                if (sc != 253 && sc <= scope) return a.prefix().address().bits();
            }
        }
        return 0;
    }

    @Override
    public boolean isLocal(int addr) {
        return isLocalAddress(addr);
    }

    @Override
    public boolean onDevice(String dev, int addr) {
        for (Address a : addressesOn(dev)) if (a.prefix().address().bits() == addr) return true;
        return false;
    }

    @Override
    public boolean onDeviceSameSubnet(String dev, int addr, int sip) {
        for (Address a : addressesOn(dev))
            if (a.prefix().address().bits() == addr && a.prefix().contains(new Ipv4(sip))) return true;
        return false;
    }

    @Override
    public boolean onLink(String dev, int x, int y) {
        // inet_addr_onlink(in_dev, a, b): b == 0 asks about a alone
        for (Address a : addressesOn(dev))
            if (a.prefix().contains(new Ipv4(x)) && (y == 0 || a.prefix().contains(new Ipv4(y)))) return true;
        return false;
    }

    // ---- IpStack ----

    @Override
    public String hostName() {
        return name;
    }

    @Override
    public Sysctls sysctls() {
        return sysctls;
    }

    @Override
    public long now() {
        return link.now();
    }

    @Override
    public RandomGenerator random() {
        return random;
    }

    @Override
    public Tracer tracer() {
        return tracer;
    }

    @Override
    public boolean isLocalAddress(int addr) {
        RouteResult r = fib.lookup(addr, 0, 0, "lo", null);
        return r != null && r.isLocal() && r.table().equals("local");
    }

    @Override
    public ConntrackApi conntrack() {
        return conntrack;
    }

    /**
     * icmp_send: an error about skb back to its source. The source address is skb's destination
     * when that is local, else chosen by the route back (icmp_errors_use_inbound_ifaddr=0). No
     * error about an ICMP error. The types in icmp_ratemask (default: unreachable but "fragmentation
     * needed", source quench, time exceeded, parameter problem) pass icmpv4_xrlim_allow on the
     * destination's inet_peer (icmp_ratelimit, 1 s a token, up to 6) unless they go to this host
     * itself; the global icmp_msgs_per_sec budget is not modelled.
     */
    @Override
    public void icmpSend(SkBuff skb, int type, int code) {
        icmpSend(skb, type, code, 0);
    }

    /** __icmp_send with the header's 32-bit rest word (info: a redirect's gateway, a next-hop MTU). */
    void icmpSend(SkBuff skb, int type, int code, int info) {
        if (skb.isIcmp() && Conntrack.isIcmpError(skb.dport >> 8)) return;
        SkBuff e = new SkBuff();
        e.protocol = 1;
        e.daddr = skb.saddr;
        e.saddr = isLocalAddress(skb.daddr) ? skb.daddr : 0;
        e.dport = type << 8 | code;
        e.seq = info & 0xffffffffL;
        if (ratelimited(type, code) && !xrlimAllow(e)) {
            if (tracer.on()) trace(new Step.Note("icmp_send: no " + io.fnlab.sim.sock.SocketLayer.icmpName(type, code) + " to "
                    + e.dst() + " (icmpv4_xrlim_allow: icmp_ratelimit " + icmpRatelimit * 1000 / InetPeers.HZ
                    + " ms; the peer's tokens are spent, or a redirect to it just reset them)"));
            return;
        }
        // __icmp_send: errors carry the offending packet's TOS bits with IPTOS_PREC_INTERNETCONTROL
        // (RT_TOS(tos) | 0xc0), seen as tos 0xc0 in real captures
        e.tos = (skb.tos & 0x1e) | 0xc0;
        e.icmpInner = skb.copy();
        e.icmpInner.nfct = null;
        e.icmpInner.payload = SkBuff.EMPTY;
        e.flow = skb.flow;
        ctAttach(e, skb);
        if (tracer.on()) trace(new Step.Generated(e.toString(), "icmp_send: " + io.fnlab.sim.sock.SocketLayer.icmpName(type, code)
                + " about " + skb));
        link.originate(this, e, "icmp_send", this::sendLocal);
    }

    /** icmpv4_mask_allow's complement: the type is in icmp_ratemask (and not "fragmentation needed"). */
    private boolean ratelimited(int type, int code) {
        if (icmpRatelimit < 0) {
            icmpRatelimit = InetPeers.msToJiffies(sysctls.getInt("net.ipv4.icmp_ratelimit", 1000));
            icmpRatemask = sysctls.getInt("net.ipv4.icmp_ratemask", 0x1818);
        }
        if (type > 18 || (type == 3 && code == 4)) return false;
        return ((1 << type) & icmpRatemask) != 0;
    }

    /** icmpv4_xrlim_allow: no limit when the error goes to this host (loopback); else the peer's token bucket. */
    private boolean xrlimAllow(SkBuff e) {
        if (icmpRatelimit == 0) return true;
        RouteResult r = fib.lookup(e.daddr, e.saddr, 0, "lo", null);
        if (r == null || r.isError() || r.isLocal()) return true;
        long j = InetPeers.jiffies(now());
        return InetPeers.xrlimAllow(peers.get(e.daddr, j), j, icmpRatelimit);
    }

    /**
     * __ip_do_redirect for an ICMP redirect the protocol's error handler passed on (tcp_v4_err for
     * a segment of one of our connections, udp_err and ping_err): checked against the route this
     * host now uses for the quoted destination; accepted only when the new gateway's neighbour
     * entry is valid, else neigh_event_send starts resolving it and this redirect is dropped.
     * An accepted one becomes a next-hop exception for that destination.
     */
    public void ipDoRedirect(SkBuff icmp) {
        SkBuff in = icmp.icmpInner;
        String dev = icmp.inDev;
        int oldGw = icmp.saddr, newGw = (int) icmp.seq;
        RouteResult base = fib.lookup(in.daddr, in.saddr, 0, "lo", null);
        if (base == null || base.isError() || base.isLocal() || dev == null) return;
        NhExceptions.Fnhe f = exceptions.find(base, in.daddr, now());
        RouteResult rt = f == null ? base : NhExceptions.apply(base, f);
        String why = IcmpRedirect.rejected(redirectConf(dev), dev, rt.gateway(), oldGw, newGw, new IcmpRedirect.Host() {
            public boolean onLink(String d, int a, int b) {
                return SimHost.this.onLink(d, a, b);
            }

            public boolean isLocalAddress(int a) {
                return SimHost.this.isLocalAddress(a);
            }

            public boolean isGatewayOn(int gw, String d) {
                return fib.isGatewayOn(gw, d);
            }
        });
        String what = "ICMP redirect from " + new Ipv4(oldGw) + ": " + in.dst() + " via " + new Ipv4(newGw);
        if (why != null) {
            if (tracer.on()) trace(new Step.Note(what + " ignored (__ip_do_redirect): " + why));
            return;
        }
        if (neigh.lookup(rt.dev(), newGw) == null) {
            Device d = devices.get(rt.dev());
            int sip = Arp.requestSource(this, rt.dev(), 0, newGw, maxConf(rt.dev(), "arp_announce", 0));
            String mac = d == null ? null : link.arpRequest(this, rt.dev(), sip, d.mac(), newGw);
            if (mac != null) neigh.update(rt.dev(), newGw, mac);
            if (tracer.on()) trace(new Step.Note(what + " not applied: " + new Ipv4(newGw) + " has no valid neighbour entry yet;"
                    + " neigh_event_send asks ARP (" + (mac == null ? "no answer" : "is-at " + mac) + ") and this redirect is dropped"));
            return;
        }
        exceptions.update(base, in.daddr, newGw, oldGw, now());
        if (tracer.on()) trace(new Step.Note(what + " accepted (__ip_do_redirect): next-hop exception on route " + base.text()
                + " for " + in.dst() + " for " + NhExceptions.GC_TIMEOUT_MS / 1000 + " s"));
    }

    /**
     * nf_ct_attach (net/netfilter/core.c, nf_conntrack_attach in nf_conntrack_core.c), called by
     * icmp_glue_bits for ICMP errors and by nf_send_reset: the answer carries the entry of the
     * packet it answers, RELATED in the other direction. So NAT translates it back (the client
     * sees the error or RST come from the address it connected to) even when that entry was
     * never confirmed because the packet died before POSTROUTING (a REJECT in FORWARD after a
     * DNAT): without it conntrack would look for a confirmed entry and find none. Found by the
     * differential test against a real kernel (lab io.fnlab.lab.diff).
     */
    static void ctAttach(SkBuff answer, SkBuff skb) {
        if (skb.untracked || !(skb.nfct instanceof NfConn)) return;
        answer.nfct = skb.nfct;
        answer.ctinfo = CtInfo.isReply(skb.ctinfo) ? CtInfo.RELATED
                : CtInfo.RELATED_REPLY;
    }

    // ---- XtContext ----

    @Override
    public int ctStateBits(SkBuff skb) {
        return conntrack.stateBits(skb);
    }

    @Override
    public boolean ipsetExists(String set) {
        return ipsets.exists(set);
    }

    @Override
    public boolean ipsetTest(String set, SkBuff skb, boolean[] srcFlags) {
        return ipsets.test(set, skb, srcFlags);
    }

    @Override
    public io.fnlab.sim.ipset.IpsetRegistry ipsetRegistry() {
        return ipsets;
    }

    /** xt_set with --return-nomatch: IPSET_ABSENT, IPSET_MATCH or IPSET_NOMATCH, from the host's IpsetRegistry. */
    @Override
    public int ipsetLookup(String set, SkBuff skb, boolean[] srcFlags) {
        return ipsets.lookup(set, skb, srcFlags);
    }

    @Override
    public int addrType(int addr, String limitDev) {
        if (addr == 0) return AddrType.UNSPEC.ordinal();
        if (addr == -1) return AddrType.BROADCAST.ordinal();
        if (new Ipv4(addr).isMulticast()) return AddrType.MULTICAST.ordinal();
        if (limitDev != null) {
            if (onDevice(limitDev, addr) || (limitDev.equals("lo") && new Ipv4(addr).isLoopback())) return AddrType.LOCAL.ordinal();
        } else if (isLocalAddress(addr)) {
            return AddrType.LOCAL.ordinal();
        }
        RouteResult r = fib.lookup(addr, 0, 0, "lo", null);
        if (r == null) return AddrType.UNICAST.ordinal();
        return switch (r.type()) {
            case BLACKHOLE -> AddrType.BLACKHOLE.ordinal();
            case UNREACHABLE -> AddrType.UNREACHABLE.ordinal();
            case PROHIBIT -> AddrType.PROHIBIT.ordinal();
            case BROADCAST -> AddrType.BROADCAST.ordinal();
            default -> AddrType.UNICAST.ordinal();
        };
    }

    @Override
    public IpvsConnView ipvsConn(SkBuff skb) {
        return ipvsView.apply(skb);
    }

    @Override
    public NfVerdict natTarget(Target target, SkBuff skb, HookState state) {
        if (!(skb.nfct instanceof NfConn ct)) return NfVerdict.ACCEPT;
        // Java 17: no pattern switch; the four NAT targets of the model
        if (target instanceof Dnat d)
            return nat.setupInfo(ct, spec(d.range(), d.random(), false, d.persistent()), ManipType.DST,
                    "DNAT --to-destination " + d.range().format());
        if (target instanceof Snat s)
            return nat.setupInfo(ct, spec(s.range(), s.random(), s.randomFully(), s.persistent()), ManipType.SRC,
                    "SNAT --to-source " + s.range().format());
        if (target instanceof Masquerade m) return masquerade(ct, m, skb, state);
        if (target instanceof Redirect r) return redirect(ct, r, skb, state);
        return NfVerdict.ACCEPT;
    }

    private static NatSpec spec(NatRange r, boolean random, boolean fully, boolean persistent) {
        boolean ips = r.minAddr() != null;
        int min = ips ? r.minAddr().bits() : 0;
        int max = ips ? (r.maxAddr() != null ? r.maxAddr().bits() : min) : 0;
        return new NatSpec(ips, min, max, r.ports(), random, fully, persistent);
    }

    /** nf_nat_masquerade_ipv4: the outgoing device's address for the next hop (inet_select_addr, universe scope). */
    private NfVerdict masquerade(NfConn ct, Masquerade m, SkBuff skb, HookState state) {
        RouteResult rt = skb.dst instanceof RouteResult r ? r : null;
        String out = state.out();
        if (rt == null || out == null) return NfVerdict.ACCEPT;
        int nh = rt.nextHop(skb.daddr);
        int src = selectAddr(out, nh, 0);
        if (src == 0) {
            if (tracer.on()) trace(new Step.Dropped("MASQUERADE", "inet_select_addr: " + out + " has no universe-scope address"));
            return NfVerdict.DROP;
        }
        if (tracer.on()) trace(new Step.Note("MASQUERADE: inet_select_addr(" + out + ", " + new Ipv4(nh) + ") = " + new Ipv4(src)
                + (rt.prefsrc() != 0 && rt.prefsrc() != src ? " (the route's src " + new Ipv4(rt.prefsrc()) + " is not used)" : "")));
        if (src != lastMasqSrc || lastMasqNote == null) {
            lastMasqNote = "MASQUERADE to " + new Ipv4(src);
            lastMasqSrc = src;
        }
        return nat.setupInfo(ct, new NatSpec(true, src, src, m.ports(), m.random(), m.randomFully(), false), ManipType.SRC, lastMasqNote);
    }

    /** The binding note of the last MASQUERADE (a host masquerades to few addresses: the text is not rebuilt per connection). */
    private int lastMasqSrc;
    private String lastMasqNote;

    /** nf_nat_redirect_ipv4: the incoming device's first address (127.0.0.1 for local packets). */
    private NfVerdict redirect(NfConn ct, Redirect r, SkBuff skb, HookState state) {
        int dst;
        if (state.hook() == Hook.OUTPUT) {
            dst = Ipv4.parse("127.0.0.1").bits();
        } else {
            List<Address> a = addressesOn(state.in());
            if (a.isEmpty()) {
                if (tracer.on()) trace(new Step.Dropped("REDIRECT", state.in() + " has no address"));
                return NfVerdict.DROP;
            }
            dst = a.get(0).prefix().address().bits();
        }
        return nat.setupInfo(ct, new NatSpec(true, dst, dst, r.ports(), r.random(), false, false), ManipType.DST,
                "REDIRECT to " + new Ipv4(dst));
    }

    @Override
    public void reject(String with, SkBuff skb, HookState state) {
        String w = with == null ? "icmp-port-unreachable" : with;
        if (w.equals("tcp-reset")) {
            if (!skb.isTcp() || (skb.tcpFlags & 4) != 0) return;
            // nf_send_reset: a RST from the packet's destination, routed and sent through OUTPUT
            SkBuff rst = SkBuff.tcp(skb.dst(), skb.dport, skb.src(), skb.sport, 0);
            if ((skb.tcpFlags & 16) != 0) {
                rst.tcpFlags = 4;
                rst.seq = skb.ack;
            } else {
                rst.tcpFlags = 4 | 16;
                rst.ack = skb.seq + skb.payload.length + ((skb.tcpFlags & 2) != 0 ? 1 : 0) + (skb.tcpFlags & 1);
            }
            rst.flow = skb.flow;
            ctAttach(rst, skb);
            if (tracer.on()) trace(new Step.Generated(rst.toString(), "REJECT --reject-with tcp-reset (nf_send_reset)"));
            link.originate(this, rst, "nf_send_reset", this::sendLocal);
            return;
        }
        int code = switch (w) {
            case "icmp-net-unreachable", "net-unreach" -> 0;
            case "icmp-host-unreachable", "host-unreach" -> 1;
            case "icmp-proto-unreachable", "proto-unreach" -> 2;
            case "icmp-net-prohibited", "net-prohib" -> 9;
            case "icmp-host-prohibited", "host-prohib" -> 10;
            case "icmp-admin-prohibited", "admin-prohib" -> 13;
            default -> 3;
        };
        icmpSend(skb, 3, code);
    }

    // ---- sockets' view of the host ----

    private final class Sockets implements SockHost {
        public String hostName() {
            return name;
        }

        public long now() {
            return link.now();
        }

        public RandomGenerator random() {
            return random;
        }

        public Tracer tracer() {
            return tracer;
        }

        public boolean send(SkBuff skb, String reason) {
            int d = skb.daddr;
            RouteResult r = fib.lookup(d, skb.saddr, skb.mark, "lo", null);
            if (r == null || r.isError()) return false;
            if (tracer.on()) trace(new Step.Generated(skb.toString(), reason));
            link.originate(SimHost.this, skb, reason, SimHost.this::sendLocal);
            return true;
        }

        public int selectSource(int daddr) {
            SkBuff probe = new SkBuff();
            probe.daddr = daddr;
            RouteResult res = fib.lookup(daddr, 0, 0, "lo", null);
            if (res == null || res.isError()) return 0;
            if (res.isLocal()) return daddr;
            return res.prefsrc() != 0 ? res.prefsrc() : selectAddr(res.dev(), res.nextHop(daddr), 0);
        }

        public void icmpSend(SkBuff skb, int type, int code) {
            SimHost.this.icmpSend(skb, type, code);
        }

        public void redirect(SkBuff icmp) {
            ipDoRedirect(icmp);
        }

        public void after(long millis, Runnable r) {
            link.after(SimHost.this, millis, r);
        }

        public void served(String flow, String socket, FiveTuple view) {
            flowListener.served(flow, name, socket, view);
        }

        public void closed(String flow) {
            flowListener.closed(flow, name);
        }
    }
}
