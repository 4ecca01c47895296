package io.fnlab.sim.verify;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.IpvsMatch;
import io.fnlab.model.netfilter.match.MarkMatch;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.Snat;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;

/**
 * The two director settings fullnat needs besides its rules: net.ipv4.vs.conntrack=1 (else the
 * SNAT rule never applies to IPVS traffic) and net.ipv4.ip_forward=1 (else masq replies die on
 * the director).
 */
public final class IpvsSnatCheck implements Check {
    public String id() {
        return "ipvs-sysctls";
    }

    public String description() {
        return "SNAT meant for IPVS traffic with vs/conntrack=0; ip_forward=0 on a masq director";
    }

    public List<Finding> run(Scenario s) {
        List<Finding> out = new ArrayList<>();
        for (Host h : s.hosts()) {
            List<VirtualService> masq = h.config().ipvs().services().stream()
                    .filter(v -> v.servers().stream().map(RealServer::method).anyMatch(ForwardMethod.MASQ::equals)).toList();
            if (masq.isEmpty()) continue;
            if (!SysctlDefaults.vsConntrack(h)) {
                for (Evidence.Config rule : snatRulesForIpvs(h)) {
                    out.add(new Finding(id(), Severity.ERROR, h.name(),
                            "SNAT/MASQUERADE meant for IPVS traffic never applies: net.ipv4.vs.conntrack is 0",
                            "with vs/conntrack=0, ip_vs_nat_xmit marks the forwarded packet untracked (ip_vs_notrack); "
                                    + "nf_nat_inet_fn returns ACCEPT for a packet without a conntrack entry, so no nat "
                                    + "POSTROUTING rule runs for it: the real server sees the client's address and answers it "
                                    + "directly, and the client resets that answer",
                            List.of(rule), "sysctl -w net.ipv4.vs.conntrack=1 (kube-proxy sets it)")
                            .classified("sysctl", "net.ipv4.vs.conntrack=0"));
                }
            }
            if (!SysctlDefaults.ipForward(h)) {
                out.add(new Finding(id(), Severity.ERROR, h.name(),
                        "masquerading IPVS services on a host with net.ipv4.ip_forward=0",
                        "replies from masq real servers are forwarded by the director: PREROUTING (de-SNAT), routing to "
                                + "the client, FORWARD where ip_vs_out_hook (FORWARD, priority 100) rewrites the source to "
                                + "VIP:vport; with ip_forward=0 ip_forward() drops them before FORWARD",
                        List.of(new Evidence.Config(h.name(), "net.ipv4.ip_forward = "
                                + h.config().sysctls().get("net.ipv4.ip_forward", "0 (kernel default)"), null)),
                        "sysctl -w net.ipv4.ip_forward=1").classified("sysctl", "net.ipv4.ip_forward=0"));
            }
        }
        return out;
    }

    /** Reachable nat POSTROUTING rules with MASQUERADE/SNAT that select IPVS traffic (-m ipvs or a mark). */
    static List<Evidence.Config> snatRulesForIpvs(Host h) {
        List<Evidence.Config> out = new ArrayList<>();
        Table nat = h.config().iptables().tables().get(TableName.NAT);
        if (nat == null) return out;
        ChainGraph g = new ChainGraph(nat);
        for (Chain c : nat.chains()) {
            if (!g.reachable(c.name())) continue;
            for (Rule r : c.rules()) {
                if (!(r.target() instanceof Masquerade || r.target() instanceof Snat)) continue;
                // kube-proxy selects IPVS traffic by mark (KUBE-MARK-MASQ) or by ipset (KUBE-LOOP-BACK).
                boolean forIpvs = r.matches().stream().anyMatch(m -> m instanceof IpvsMatch || m instanceof MarkMatch
                        || m instanceof io.fnlab.model.netfilter.match.SetMatch);
                if (forIpvs) out.add(new Evidence.Config(h.name(), RuleText.of(c.name(), r), r.source()));
            }
        }
        return out;
    }
}
