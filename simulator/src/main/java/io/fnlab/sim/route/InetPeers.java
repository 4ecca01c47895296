package io.fnlab.sim.route;

import java.util.HashMap;
import java.util.Map;

/**
 * A host's long-lived per-remote-address state (struct inet_peer, net/ipv4/inetpeer.c), one per
 * network namespace, as route.c and icmp.c use it: {@code rate_tokens}, {@code rate_last} and
 * {@code n_redirects}. ICMP redirects (ip_rt_send_redirect), the ICMP error rate limit
 * (icmpv4_xrlim_allow -> inet_peer_xrlim_allow) and ip_error's unreachable limit all read and
 * write the same two fields of the peer of the packet's source. That sharing is why a router that
 * has just sent a host a redirect then sends it no "time exceeded" for a looping packet: the
 * redirect set rate_last to now and rate_tokens to 0, so the error finds no token (seen on a real
 * 6.1 kernel in DR without a shared segment).
 *
 * <p>Time is in jiffies ({@link #HZ} per second, Debian's CONFIG_HZ_250), from the model's
 * milliseconds. Peers are never evicted here (the kernel frees idle ones after inet_peer_maxttl,
 * 10 min, or when the pool is over inet_peer_threshold); the global ICMP budget
 * (icmp_msgs_per_sec, icmp_msgs_burst) is not modelled.
 */
public final class InetPeers {
    /** CONFIG_HZ of Debian's kernels (and of this project's test machines). */
    public static final int HZ = 250;
    /** XRLIM_BURST_FACTOR (include/net/inetpeer.h): up to 6 messages in a burst. */
    static final int XRLIM_BURST_FACTOR = 6;

    /** One remote address's state. */
    public static final class Peer {
        public long rateTokens;
        public long rateLast;
        public int nRedirects;
    }

    private final Map<Integer, Peer> peers = new HashMap<>();

    /** jiffies for simulated milliseconds. */
    public static long jiffies(long millis) {
        return millis * HZ / 1000;
    }

    /** msecs_to_jiffies (rounded up, as the kernel does for sysctls in ms). */
    public static long msToJiffies(long ms) {
        return (ms * HZ + 999) / 1000;
    }

    /** inet_getpeer_v4 with create: a new peer has rate_last 60 s in the past, so its first tokens are at the maximum. */
    public Peer get(int addr, long now) {
        Peer p = peers.get(addr);
        if (p == null) {
            p = new Peer();
            p.rateLast = now - 60L * HZ;
            peers.put(addr, p);
        }
        return p;
    }

    /** The peer if one exists (for tests and state listings). */
    public Peer peek(int addr) {
        return peers.get(addr);
    }

    /** inet_peer_xrlim_allow: a token bucket of up to 6 * timeout jiffies; a message costs timeout. */
    public static boolean xrlimAllow(Peer p, long now, long timeout) {
        long token = p.rateTokens + (now - p.rateLast);
        p.rateLast = now;
        if (token > XRLIM_BURST_FACTOR * timeout) token = XRLIM_BURST_FACTOR * timeout;
        boolean rc = false;
        if (token >= timeout) {
            token -= timeout;
            rc = true;
        }
        p.rateTokens = token;
        return rc;
    }
}
