/**
 * IPVS (net/netfilter/ipvs) inside a simulated host.
 *
 * <p>Entry point: {@link io.fnlab.sim.ipvs.Ipvs#attach}. It builds the services of an
 * {@code IpvsConfig} (servers already in kernel list order), and once a service exists registers
 * the hook functions of ip_vs_core.c at the kernel's hooks and priorities (ip_vs_ops4): the in
 * hook schedules and transmits (masq / DR / IPIP, re-injected through LOCAL_OUT, NF_STOLEN), the
 * out hook de-NATs masq replies (handle_response). Connections follow IPVS's own TCP state table
 * and timeouts; timers fire from {@code IpStack.now()}. {@link io.fnlab.sim.ipvs.IpvsListing}
 * prints what ipvsadm prints.
 *
 * <p>Modelled to the kernel's arithmetic: the 13 schedulers rr, wrr, lc, wlc, sed, nq, sh, dh, mh
 * (64-bit hsiphash, checked against lib/test_siphash.c), fo, ovf, lblc, lblcr; persistence
 * templates (-p, -M, fwmark templates, expire_quiescent_template); thresholds; weight 0;
 * sysctls conntrack, conn_reuse_mode, expire_nodest_conn, expire_quiescent_template, sloppy_tcp,
 * snat_reroute, nat_icmp_send; ICMP errors for connections (ip_vs_in_icmp / ip_vs_out_icmp).
 *
 * <p>Not modelled (and reported as such where it matters): IPv6, SCTP, FTP helpers (ip_vs_ftp,
 * cache_bypass), the sync daemon, secure_tcp / drop_entry / amemthresh defences, the scheduler
 * "twos" and any other name (a NotModelled step, no server chosen), one-packet scheduling beyond
 * expiring the connection at once, MTU / fragmentation checks in xmit, GUE/GRE tunnels,
 * ip_vs_conn_drop_conntrack (the conntrack entry of an expired connection stays), real-server-
 * initiated connections (conn_out_counter). /proc/net/ip_vs_conn lists in hash order; fnlab in
 * creation order.
 */
package io.fnlab.sim.ipvs;
