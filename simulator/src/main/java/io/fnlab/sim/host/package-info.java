/**
 * The simulated host: {@link io.fnlab.sim.host.SimHost} is one network namespace built from a
 * model {@code io.fnlab.model.scenario.Host}. It implements {@link io.fnlab.sim.host.IpStack}
 * (for IPVS) and {@link io.fnlab.sim.netfilter.XtContext} (for the xtables walker).
 *
 * <p>Wiring, as io.fnlab.sim.net.Network does it:
 * <pre>
 *   SimHost h = network.addHost(model, servers, walker);          // walker: a TableWalker per host
 *   Ipvs.attach(model.config().ipvs(), h.hooks(), h.stack());     // IPVS registers its own hook ops
 *   h.setIpvsView(skb -&gt; ...);                                    // xt_ipvs's view of skb.ipvsConn
 * </pre>
 * The packet path (ip_rcv, ip_route_input, ip_local_deliver, ip_forward, ip_output, neighbour
 * output; and for local packets ip_route_output and LOCAL_OUT) walks netfilter hooks only through
 * {@link io.fnlab.sim.host.SimHost#hooks()}: conntrack (-200, INT_MAX), the loaded iptables tables
 * (raw -300, mangle -150, filter 0, security 50) and nf_nat (-100, 100) register there at
 * construction; a table absent from the ruleset registers nothing.
 *
 * <p>conntrack registers only when a rule or IPVS asks for it (nf_ct_netns_get, see
 * io.fnlab.sim.conntrack.CtNetnsGet).
 *
 * <p>Not modelled (and said so in traces where it matters): fragmentation and MTU, broadcast and
 * multicast input, proxy_arp and arp_filter, tunnel transmit through an ipip device by routing
 * (IPVS encapsulates by itself), the global ICMP budget, TCP windows/options.
 */
package io.fnlab.sim.host;
