package io.fnlab.sim.host;

import io.fnlab.model.sysctl.Sysctls;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Tracer;
import java.util.random.RandomGenerator;

/**
 * What a host's IP stack offers to code that lives inside it (IPVS, targets like REJECT): the
 * kernel functions they call. The host implements it; IPVS is written against it only.
 */
public interface IpStack {
    String hostName();

    Sysctls sysctls();

    /** Simulated time in milliseconds. */
    long now();

    /** Seeded: every run-time choice (ports, random schedulers) comes from here. */
    RandomGenerator random();

    Tracer tracer();

    /** ip_route_output_key for this packet's daddr; sets skb.dst/outDev; false when unreachable. */
    boolean routeOutput(SkBuff skb);

    /** NF_HOOK(NF_INET_LOCAL_OUT, ..., dst_output): walk OUTPUT, then POSTROUTING and transmit. */
    void localOut(SkBuff skb);

    /** ip_local_out for an already routed packet (tunnel xmit); same as localOut here. */
    default void ipLocalOut(SkBuff skb) {
        localOut(skb);
    }

    /** True when the address is configured on this host (inet_addr_type == RTN_LOCAL). */
    boolean isLocalAddress(int addr);

    /** The conntrack table of this host. */
    io.fnlab.sim.conntrack.ConntrackApi conntrack();

    /** icmp_send: answer skb with an ICMP error of this type and code. */
    void icmpSend(SkBuff skb, int type, int code);
}
