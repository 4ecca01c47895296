package io.fnlab.sim.verify;

import io.fnlab.model.scenario.Host;

/** The sysctls lint reads, with the kernel's defaults when a scenario does not set them. */
final class SysctlDefaults {
    /** net.ipv4.ip_forward defaults to 0 (devinet.c, IPV4_DEVCONF_ALL FORWARDING). */
    static boolean ipForward(Host h) {
        return h.config().sysctls().getInt("net.ipv4.ip_forward", 0) == 1
                || h.config().sysctls().getInt("net.ipv4.conf.all.forwarding", 0) == 1;
    }

    /** net.ipv4.vs.conntrack defaults to 0 (ip_vs_ctl.c, sysctl_conntrack). */
    static boolean vsConntrack(Host h) {
        return h.config().sysctls().getInt("net.ipv4.vs.conntrack", 0) != 0;
    }

    static int conf(Host h, String dev, String key) {
        int all = h.config().sysctls().getInt("net.ipv4.conf.all." + key, 0);
        int d = h.config().sysctls().getInt("net.ipv4.conf." + dev + "." + key,
                h.config().sysctls().getInt("net.ipv4.conf.default." + key, 0));
        return Math.max(all, d);
    }

    private SysctlDefaults() {}
}
