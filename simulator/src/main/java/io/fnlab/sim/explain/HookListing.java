package io.fnlab.sim.explain;

import io.fnlab.model.netfilter.Hook;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.netfilter.HookOps;
import io.fnlab.sim.netfilter.Priorities;
import java.util.ArrayList;
import java.util.List;

/**
 * A host's hook registry as the kernel keeps it: per hook, the nf_hook_ops in the order
 * nf_hook_slow runs them (ascending priority, equal priorities in registration order). IPVS ops
 * appear only once the host has a virtual service (ip_vs_register_hooks runs on the first
 * ip_vs_add_service), which is what the simulator's registry holds.
 */
public final class HookListing {
    /** One registered op. */
    public record Entry(Hook hook, int priority, String priorityName, String owner, String function) {}

    private HookListing() {}

    public static List<Entry> entries(SimHost host) {
        List<Entry> l = new ArrayList<>();
        for (Hook h : Hook.values())
            for (HookOps o : host.hooks().ops(h))
                l.add(new Entry(h, o.priority(), priorityName(o.owner(), h, o.priority()), o.owner(), o.function()));
        return l;
    }

    public static String render(SimHost host) {
        StringBuilder b = new StringBuilder();
        b.append("hook ops of ").append(host.name()).append(" (nf_hook_ops per hook, in the order nf_hook_slow runs them)\n");
        List<Entry> all = entries(host);
        boolean ipvs = all.stream().anyMatch(e -> e.owner().equals("ip_vs"));
        for (Hook h : Hook.values()) {
            b.append(h).append(" (NF_INET_").append(kernelName(h)).append(")\n");
            boolean any = false;
            for (Entry e : all) {
                if (e.hook() != h) continue;
                any = true;
                b.append(String.format("  %11d  %-30s %-14s %s%n", e.priority(), e.priorityName(), e.owner(), e.function()));
            }
            if (!any) b.append("  (no ops: packets pass this hook untouched)\n");
        }
        if (!ipvs) b.append("no IPVS ops: the host has no virtual service (ip_vs registers its hooks with the first service)\n");
        return b.toString();
    }

    static String kernelName(Hook h) {
        return switch (h) {
            case PREROUTING -> "PRE_ROUTING";
            case INPUT -> "LOCAL_IN";
            case FORWARD -> "FORWARD";
            case OUTPUT -> "LOCAL_OUT";
            case POSTROUTING -> "POST_ROUTING";
        };
    }

    /** The symbolic priority (enum nf_ip_hook_priorities, or ip_vs_ops4's expression). */
    static String priorityName(String owner, Hook h, int p) {
        if (owner.equals("ip_vs")) {
            return switch (p) {
                case Priorities.IPVS_REPLY_LOCAL_IN -> "NF_IP_PRI_NAT_SRC - 2";
                case Priorities.IPVS_REQUEST_LOCAL_IN -> h == Hook.FORWARD ? "99" : "NF_IP_PRI_NAT_SRC - 1";
                case Priorities.IPVS_LOCAL_REPLY_OUT -> "NF_IP_PRI_NAT_DST + 1";
                case Priorities.IPVS_LOCAL_REQUEST_OUT -> "NF_IP_PRI_NAT_DST + 2";
                case Priorities.IPVS_REPLY_FORWARD -> "100";
                default -> Integer.toString(p);
            };
        }
        return switch (p) {
            case Priorities.CONNTRACK_DEFRAG -> "NF_IP_PRI_CONNTRACK_DEFRAG";
            case Priorities.RAW -> "NF_IP_PRI_RAW";
            case Priorities.SELINUX_FIRST -> "NF_IP_PRI_SELINUX_FIRST";
            case Priorities.CONNTRACK -> "NF_IP_PRI_CONNTRACK";
            case Priorities.MANGLE -> "NF_IP_PRI_MANGLE";
            case Priorities.NAT_DST -> "NF_IP_PRI_NAT_DST";
            case Priorities.FILTER -> "NF_IP_PRI_FILTER";
            case Priorities.SECURITY -> "NF_IP_PRI_SECURITY";
            case Priorities.NAT_SRC -> "NF_IP_PRI_NAT_SRC";
            case Priorities.CONNTRACK_HELPER -> "NF_IP_PRI_CONNTRACK_HELPER";
            case Priorities.CONNTRACK_CONFIRM -> "NF_IP_PRI_CONNTRACK_CONFIRM";
            default -> Integer.toString(p);
        };
    }
}
