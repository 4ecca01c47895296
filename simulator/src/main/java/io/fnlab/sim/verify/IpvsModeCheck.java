package io.fnlab.sim.verify;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What each forwarding method asks of the real servers (kernel-reference section 9): NAT needs
 * the way back through the director unless the director SNATs; DR needs a shared segment and the
 * VIP on the real server with arp_ignore/arp_announce; TUN the VIP on an ipip device; DR and TUN
 * cannot change the port.
 */
public final class IpvsModeCheck implements Check {
    public String id() {
        return "ipvs-mode";
    }

    public String description() {
        return "requirements of NAT, DR and TUN on real servers";
    }

    public List<Finding> run(Scenario s) {
        List<Finding> out = new ArrayList<>();
        for (Host d : s.hosts()) {
            boolean fullnat = SysctlDefaults.vsConntrack(d) && !IpvsSnatCheck.snatRulesForIpvs(d).isEmpty();
            for (VirtualService v : d.config().ipvs().services()) {
                for (RealServer rs : v.servers()) {
                    String what = v.key() + " -> " + rs.address() + ":" + rs.port() + " (" + rs.method().listing() + ")";
                    Evidence ev = new Evidence.Config(d.name(), "ipvsadm -a " + v.key().toArgs() + " -r " + rs.address()
                            + ":" + rs.port() + " " + rs.method().flag() + " -w " + rs.weight(), null);
                    if (rs.method() != ForwardMethod.MASQ && !v.key().isFwmark() && rs.port() != v.key().port()) {
                        out.add(new Finding(id(), Severity.ERROR, d.name(), what + ": DR/TUN cannot change the port",
                                "ip_vs_dr_xmit and ip_vs_tunnel_xmit leave the L4 header alone: the real server receives port "
                                        + v.key().port() + ", not " + rs.port(), List.of(ev),
                                "use port " + v.key().port() + " for the real server, or masquerading (-m)"));
                    }
                    Optional<Host> rh = hostWith(s, rs.address());
                    if (rh.isEmpty()) {
                        out.add(new Finding(id(), Severity.INFO, d.name(), what + ": real server is not a host of the scenario",
                                "its side (routes, VIP, ARP settings) is not checked", List.of(ev), "add it as a host"));
                        continue;
                    }
                    Host r = rh.get();
                    switch (rs.method()) {
                        case GATE -> dr(out, s, d, v, r, what, ev);
                        case IPIP -> tun(out, v, r, what, ev);
                        case MASQ -> {
                            if (!fullnat) natRouteBack(out, s, d, v, r, what, ev);
                        }
                    }
                }
            }
        }
        return out;
    }

    private void dr(List<Finding> out, Scenario s, Host d, VirtualService v, Host r, String what, Evidence ev) {
        Set<String> dSegs = segments(d);
        boolean shared = segments(r).stream().anyMatch(dSegs::contains);
        if (!shared) {
            out.add(new Finding(id(), Severity.ERROR, d.name(), what + ": director and real server share no L2 segment",
                    "ip_vs_dr_xmit sends the unchanged packet (destination VIP) to the real server's MAC: the real "
                            + "server must be a neighbour on a directly connected segment", List.of(ev),
                    "put the real server on a segment of the director, or use tunnelling (-i) or masquerading (-m)")
                    .classified("dr-no-shared-segment", r.name()));
        }
        if (v.key().isFwmark()) return;
        Optional<Address> vip = r.config().addresses().stream()
                .filter(a -> a.prefix().address().equals(v.key().address())).findFirst();
        if (vip.isEmpty()) {
            out.add(new Finding(id(), Severity.ERROR, r.name(), what + ": the VIP " + v.key().address()
                    + " is not configured on the real server",
                    "the real server receives packets for the VIP unchanged; without the address it is not local "
                            + "(ip_route_input gives no RTN_LOCAL) and the packet is forwarded or dropped",
                    List.of(ev), "ip addr add " + v.key().address() + "/32 dev lo on " + r.name())
                    .classified("vip-not-on-real-server", r.name()));
            return;
        }
        String dev = vip.get().device();
        int ignore = SysctlDefaults.conf(r, ethernetOrAll(r), "arp_ignore");
        int announce = SysctlDefaults.conf(r, ethernetOrAll(r), "arp_announce");
        if (!"lo".equals(dev) && kind(r, dev) == Interface.Kind.ETHERNET || ignore < 1 || announce < 2) {
            out.add(new Finding(id(), Severity.WARNING, r.name(), what + ": the real server may answer ARP for the VIP",
                    "with the VIP on " + dev + ", arp_ignore=" + ignore + " and arp_announce=" + announce
                            + ", arp_process answers requests for any local address on any device (arp_ignore 0) and "
                            + "uses the VIP as ARP source (arp_announce < 2): clients may send straight to the real server",
                    List.of(ev), "put the VIP on lo and set net.ipv4.conf.all.arp_ignore=1, net.ipv4.conf.all.arp_announce=2"));
        }
    }

    private void tun(List<Finding> out, VirtualService v, Host r, String what, Evidence ev) {
        if (v.key().isFwmark()) return;
        boolean onTunnel = r.config().addresses().stream().anyMatch(a -> a.prefix().address().equals(v.key().address())
                && kind(r, a.device()) == Interface.Kind.IPIP);
        boolean hasTunl = r.interfaces().stream().anyMatch(i -> i.kind() == Interface.Kind.IPIP);
        if (!hasTunl || !onTunnel) {
            out.add(new Finding(id(), Severity.ERROR, r.name(), what + ": the real server has "
                    + (hasTunl ? "no VIP on its ipip device" : "no ipip device"),
                    "ip_vs_tunnel_xmit wraps the packet in IPIP to the real server; only an ipip device (tunl0) "
                            + "decapsulates it, and the inner destination (the VIP) must be local there",
                    List.of(ev), "ip link set tunl0 up; ip addr add " + v.key().address() + "/32 dev tunl0 on " + r.name())
                    .classified("tun-no-ipip-vip", r.name()));
        }
    }

    private void natRouteBack(List<Finding> out, Scenario s, Host d, VirtualService v, Host r, String what, Evidence ev) {
        Set<Ipv4> directorAddrs = d.config().addresses().stream().map(a -> a.prefix().address()).collect(Collectors.toSet());
        Set<Ipv4> rsAddrs = r.config().addresses().stream().map(a -> a.prefix().address()).collect(Collectors.toSet());
        for (Ipv4 client : clientsOf(s, v)) {
            if (rsAddrs.contains(client)) continue; // hairpin: the client is the real server itself
            Optional<Ipv4> gw = nextHop(r, client);
            String path = gw.map(g -> "via " + g).orElse("directly (on-link)");
            if (gw.isPresent() && directorAddrs.contains(gw.get())) continue;
            out.add(new Finding(id(), Severity.ERROR, r.name(), what + ": replies to client " + client
                    + " leave " + r.name() + " " + path + ", not through the director",
                    "in NAT (masq) mode without SNAT the real server sees the client's address and answers it; unless "
                            + "that answer passes the director, ip_vs_out_hook never rewrites its source to VIP:vport, so the "
                            + "client gets a SYN-ACK from " + r.name() + "'s address and answers it with RST",
                    List.of(ev), "route the clients via the director on " + r.name() + ", or add SNAT on the director "
                            + "(iptables -t nat -A POSTROUTING -m ipvs --vaddr " + v.key().address() + " --vport "
                            + v.key().port() + " -j MASQUERADE and net.ipv4.vs.conntrack=1)")
                    .classified("reply-bypasses-director", client.toString()));
        }
    }

    /** Addresses of hosts that send traffic to the service in the scenario. */
    private static List<Ipv4> clientsOf(Scenario s, VirtualService v) {
        List<Ipv4> out = new ArrayList<>();
        for (var t : s.traffic()) {
            if (!(t instanceof io.fnlab.model.scenario.Traffic.Flow f)) continue;
            if (v.key().isFwmark() || !f.to().address().equals(v.key().address()) || f.to().port() != v.key().port()) continue;
            s.host(f.from()).flatMap(IpvsModeCheck::primaryAddress).ifPresent(a -> {
                if (!out.contains(a)) out.add(a);
            });
        }
        return out;
    }

    private static Optional<Ipv4> primaryAddress(Host h) {
        return h.config().addresses().stream().filter(a -> kind(h, a.device()) == Interface.Kind.ETHERNET)
                .map(a -> a.prefix().address()).findFirst();
    }

    /** The gateway a host's main table uses for dst; empty when on-link (connected route or no gateway). */
    private static Optional<Ipv4> nextHop(Host h, Ipv4 dst) {
        Route best = null;
        for (Route rt : h.config().routes()) {
            if (rt.table() != null && !rt.table().equals("main") && !rt.table().equals("254")) continue;
            if (!rt.destination().contains(dst)) continue;
            if (best == null || rt.destination().length() > best.destination().length()) best = rt;
        }
        int connectedLen = -1;
        for (Address a : h.config().addresses()) {
            Prefix net = a.prefix().network();
            if (net.contains(dst) && net.length() > connectedLen) connectedLen = net.length();
        }
        if (best != null && best.destination().length() > connectedLen) return Optional.ofNullable(best.via());
        return Optional.empty();
    }

    private static Optional<Host> hostWith(Scenario s, Ipv4 addr) {
        return s.hosts().stream().filter(h -> h.config().addresses().stream()
                .anyMatch(a -> a.prefix().address().equals(addr) && kind(h, a.device()) == Interface.Kind.ETHERNET)).findFirst();
    }

    private static Set<String> segments(Host h) {
        return h.interfaces().stream().map(Interface::segment).filter(Objects::nonNull).collect(Collectors.toSet());
    }

    private static Interface.Kind kind(Host h, String dev) {
        if ("lo".equals(dev)) return Interface.Kind.LOOPBACK;
        return h.interfaces().stream().filter(i -> i.name().equals(dev)).map(Interface::kind).findFirst()
                .orElse(Interface.Kind.ETHERNET);
    }

    private static String ethernetOrAll(Host h) {
        return h.interfaces().stream().filter(i -> i.kind() == Interface.Kind.ETHERNET).map(Interface::name).findFirst()
                .orElse("all");
    }
}
