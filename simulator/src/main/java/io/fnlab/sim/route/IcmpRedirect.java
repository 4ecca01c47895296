package io.fnlab.sim.route;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.sysctl.Sysctls;
import java.util.Map;

/**
 * ICMP redirects as net/ipv4/route.c sends and takes them: the per-device switches with the
 * kernel's all/DEV combination rules, ip_rt_send_redirect's back-off, and the checks of
 * __ip_do_redirect on the receiving host. The host (io.fnlab.sim.host.SimHost) decides when a
 * forwarded packet is due one (__mkroute_input's IPSKB_DOREDIRECT) and applies an accepted one
 * as a next-hop exception ({@link NhExceptions}).
 */
public final class IcmpRedirect {
    private IcmpRedirect() {}

    /** ICMP_REDIRECT and ICMP_REDIR_HOST: what ip_rt_send_redirect sends. */
    public static final int TYPE = 5, CODE_HOST = 1;

    /**
     * The redirect switches of one device (include/linux/inetdevice.h), each from conf.all and
     * conf.DEV (conf.default when DEV is not set; kernel default 1 for all four):
     * send = IN_DEV_TX_REDIRECTS = all || DEV (so turning it off takes both);
     * accept = IN_DEV_RX_REDIRECTS = all &amp;&amp; DEV when the device forwards, all || DEV when not;
     * secure = IN_DEV_SEC_REDIRECTS = all || DEV; sharedMedia = IN_DEV_SHARED_MEDIA = all || DEV.
     */
    public record Conf(boolean send, boolean accept, boolean secure, boolean sharedMedia) {
        public static Conf of(Sysctls s, String dev, boolean devForwarding) {
            boolean send = on(s, "all", "send_redirects") || on(s, dev, "send_redirects");
            boolean acceptAll = acceptAll(s) != 0, acceptDev = on(s, dev, "accept_redirects");
            boolean accept = devForwarding ? acceptAll && acceptDev : acceptAll || acceptDev;
            boolean secure = on(s, "all", "secure_redirects") || on(s, dev, "secure_redirects");
            boolean shared = on(s, "all", "shared_media") || on(s, dev, "shared_media");
            return new Conf(send, accept, secure, shared);
        }

        private static boolean on(Sysctls s, String dev, String key) {
            int v = s.getInt("net.ipv4.conf." + dev + "." + key, Integer.MIN_VALUE);
            if (v == Integer.MIN_VALUE && !dev.equals("all")) v = s.getInt("net.ipv4.conf.default." + key, 1);
            return (v == Integer.MIN_VALUE ? 1 : v) != 0;
        }
    }

    /**
     * conf.all.accept_redirects as the writes leave it: inet_forward_change (devinet.c) sets it to
     * !on whenever net.ipv4.ip_forward or conf.all.forwarding changes, so a router that turns
     * forwarding on stops taking redirects unless accept_redirects is written again afterwards.
     * The writes are taken in the order the host's sysctls list them.
     */
    static int acceptAll(Sysctls s) {
        int accept = 1, forwarding = 0;
        for (Map.Entry<String, String> e : s.values().entrySet()) {
            String k = e.getKey();
            if (k.equals("net.ipv4.ip_forward") || k.equals("net.ipv4.conf.all.forwarding")) {
                int v = parse(e.getValue(), forwarding);
                if (v != forwarding) {
                    forwarding = v;
                    accept = v == 0 ? 1 : 0;
                }
            } else if (k.equals("net.ipv4.conf.all.accept_redirects")) {
                accept = parse(e.getValue(), accept);
            }
        }
        return accept;
    }

    private static int parse(String v, int dflt) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /**
     * ip_rt_redirect_number (9), ip_rt_redirect_load (HZ/50) and ip_rt_redirect_silence
     * ((HZ/50) &lt;&lt; 10), in jiffies; machine-wide sysctls net.ipv4.route.redirect_*.
     */
    public record Limits(int number, long load, long silence) {
        public static Limits of(Sysctls s) {
            long load = s.getInt("net.ipv4.route.redirect_load", InetPeers.HZ / 50);
            return new Limits(s.getInt("net.ipv4.route.redirect_number", 9), load,
                    s.getInt("net.ipv4.route.redirect_silence", (InetPeers.HZ / 50) << (9 + 1)));
        }
    }

    /**
     * ip_rt_send_redirect's back-off on the source's peer: the first redirect goes at once, the
     * n-th only when load &lt;&lt; n jiffies passed since the last one; after {@code number} of them the
     * host is taken to ignore redirects and gets none until no redirect was due for {@code
     * silence}. Returns true when this redirect is sent (and counts it).
     */
    public static boolean allow(InetPeers.Peer peer, long now, Limits l) {
        if (now - (peer.rateLast + l.silence()) > 0) {
            peer.rateTokens = 0;
            peer.nRedirects = 0;
        }
        if (peer.nRedirects >= l.number()) {
            peer.rateLast = now;
            return false;
        }
        if (peer.nRedirects == 0 || now - (peer.rateLast + (l.load() << peer.nRedirects)) > 0) {
            peer.rateLast = now;
            ++peer.nRedirects;
            return true;
        }
        return false;
    }

    /** What __ip_do_redirect's checks need of the receiving host. */
    public interface Host {
        /** inet_addr_onlink(in_dev, a, b): a subnet of an address on dev holds a (and b unless 0). */
        boolean onLink(String dev, int a, int b);

        /** inet_addr_type(net, a) == RTN_LOCAL. */
        boolean isLocalAddress(int a);

        /** ip_fib_check_default(gw, dev) == 0: gw is the gateway of some route through dev. */
        boolean isGatewayOn(int gw, String dev);
    }

    /**
     * __ip_do_redirect's checks, in its order: only from the gateway the route to the destination
     * uses now (rt_gw4 == the redirect's source), accept_redirects, a sane new gateway; without
     * shared_media the new gateway must be on-link with the old one and, with secure_redirects,
     * already a gateway of a route on the device; with shared_media (the default) it only has to
     * be a unicast address. Returns null when accepted, else why not.
     */
    public static String rejected(Conf c, String dev, int routeGw, int oldGw, int newGw, Host h) {
        if (routeGw != oldGw)
            return routeGw == 0 ? "the route to the destination has no gateway (rt_gw4 != " + new Ipv4(oldGw) + ")"
                    : "it does not come from the route's gateway " + new Ipv4(routeGw);
        if (newGw == oldGw) return "the new gateway is the old one";
        if (!c.accept()) return "accept_redirects is off on " + dev;
        Ipv4 g = new Ipv4(newGw);
        if (g.isMulticast() || newGw == -1 || (newGw >>> 24) == 0) return "the new gateway " + g + " is not unicast";
        if (!c.sharedMedia()) {
            if (!h.onLink(dev, newGw, oldGw)) return "shared_media=0 and " + g + " is not on-link with " + new Ipv4(oldGw);
            if (c.secure() && !h.isGatewayOn(newGw, dev))
                return "secure_redirects=1 (shared_media=0) and " + g + " is not the gateway of any route through " + dev;
        } else if (h.isLocalAddress(newGw)) {
            return "the new gateway " + g + " is a local address";
        }
        return null;
    }
}
