package io.fnlab.sim.verify.allpackets;

import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.IprangeMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.netfilter.match.MultiportMatch;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.SetMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.match.UdpMatch;
import io.fnlab.model.netfilter.targets.Mark;
import io.fnlab.model.route.Address;
import io.fnlab.sim.host.SimHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.fnlab.model.ipset.IpSet;

/**
 * The destinations of a fwmark service: IPVS finds it by skb->mark (ip_vs_service_find with
 * fwmark), so its header-space classes are those of the rules that set the mark. For each MARK
 * rule whose result on an unmarked packet is the service's mark, the destination addresses
 * (-d, --dst-range, the dst address dimension of a set's entries), protocols (-p, else TCP and
 * UDP) and destination ports (--dport, multiport, the set's port dimension; else any port,
 * represented by 80) it accepts. A rule naming no destination address stands for every local
 * address; fnlab takes the director's first non-loopback one.
 */
final class FwmarkDestinations {
    private FwmarkDestinations() {}

    record Dest(int daddr, int proto, PortRange ports, String rule) {}

    private static final int MAX_PER_RULE = 256;

    static List<Dest> of(List<Rule> rules, long fwmark, SimHost h, Map<String, IpSet> sets) {
        List<Dest> out = new ArrayList<>();
        for (Rule r : rules) {
            if (!(r.target() instanceof Mark m) || (m.apply(0) != fwmark && m.value() != fwmark)) continue;
            List<Integer> addrs = new ArrayList<>();
            List<Integer> protos = new ArrayList<>();
            List<PortRange> ports = new ArrayList<>();
            for (Match x : r.matches()) {
                if (x instanceof AddrMatch a && a.dir() == AddrMatch.Direction.DST && !a.negated()) {
                    addrs.add(a.prefix().length() >= 31 ? a.prefix().address().bits() : (int) Ranges.lo(a.prefix()) + 1);
                } else if (x instanceof IprangeMatch ir && ir.dstFrom() != null && !ir.dstNegated()) {
                    addrs.add(ir.dstFrom().bits());
                } else if (x instanceof ProtoMatch p && !p.negated() && p.protocol().number() != 0) {
                    protos.add(p.protocol().number());
                } else if (x instanceof TcpMatch t && t.dport() != null && !t.dport().negated()) {
                    ports.add(t.dport().range());
                } else if (x instanceof UdpMatch u && u.dport() != null && !u.dport().negated()) {
                    ports.add(u.dport().range());
                } else if (x instanceof MultiportMatch mp && mp.kind() == MultiportMatch.Kind.DESTINATION && !mp.negated()) {
                    ports.addAll(mp.ports());
                } else if (x instanceof SetMatch s && !s.negated()) {
                    setDests(sets, s, addrs, ports, protos);
                }
            }
            if (addrs.isEmpty()) {
                for (Address a : h.addresses())
                    if (!a.device().equals("lo")) {
                        addrs.add(a.prefix().address().bits());
                        break;
                    }
            }
            if (protos.isEmpty()) protos = List.of(6, 17);
            if (ports.isEmpty()) ports.add(PortRange.single(80));
            String text = "-j MARK " + Long.toHexString(m.value()) + (r.source() != null && r.source().line() > 0 ? " at " + r.source() : "");
            int n = 0;
            for (int a : addrs)
                for (int p : protos)
                    for (PortRange pr : ports)
                        if (n++ < MAX_PER_RULE && (p == 6 || p == 17)) out.add(new Dest(a, p, pr, text));
        }
        return out;
    }

    /** A dst address (and port) dimension of a set, entry by entry. */
    private static void setDests(Map<String, IpSet> sets, SetMatch s, List<Integer> addrs, List<PortRange> ports,
                                 List<Integer> protos) {
        IpSet set = sets.get(s.setName());
        if (set == null) return;
        int n = 0;
        for (SetEntry e : set.entries()) {
            if (n++ >= MAX_PER_RULE || e.nomatch()) break;
            for (int i = 0; i < e.elems().size() && i < s.srcFlags().size(); i++) {
                if (s.srcFlags().get(i)) continue;
                SetElem el = e.elems().get(i);
                if (el instanceof SetElem.Net net) addrs.add(net.prefix().length() >= 31 ? net.prefix().address().bits()
                        : (int) Ranges.lo(net.prefix()) + 1);
                else if (el instanceof SetElem.Port p) {
                    ports.add(PortRange.single(p.port()));
                    if (p.protocol() != null && !protos.contains(p.protocol().number())) protos.add(p.protocol().number());
                }
            }
        }
    }
}
