package io.fnlab.sim.verify.allpackets;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.Match;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.scenario.Host;
import io.fnlab.sim.host.Link;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.net.Network;
import io.fnlab.sim.skb.SkBuff;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * All-packets verification of one director, first version: the header space a new connection can
 * take is cut into equivalence classes and one representative packet of each class is walked
 * through the model (tracer off).
 *
 * <p>Classes: destination space by every IPVS virtual service (protocol, VIP, port) of the
 * director; source space by the source prefixes its iptables rules name (`-s`, `! -s`): one
 * address inside each prefix and one outside all of them. Two sources in the same cell of that
 * partition are treated alike by every `-s` test, so one representative stands for the cell (what
 * fnlab does not cut on yet: ipset source dimensions, marks, interfaces; a rule that tests them
 * sees only the representative's value).
 *
 * <p>The property checked: a connection's first packet to a virtual service with at least one
 * real server leaves the director towards one of those real servers. A class that does not is a
 * failure, reported with its witness packet and what happened to it instead.
 */
public final class AllPackets {
    /** One failing class: its witness packet and what became of it. */
    public record Failure(String protocol, String witness, String inDev, String service, String outcome) {}

    public record Report(long classes, List<Failure> failures, long nanos) {
        public boolean holds() {
            return failures.isEmpty();
        }
    }

    private AllPackets() {}

    /** Verify {@code director} with new connections arriving on {@code inDev}. */
    public static Report verify(Host director, String inDev) {
        long t0 = System.nanoTime();
        Network n = new Network(1, false);
        SimHost h = n.addHost(director, List.of());
        Capture cap = new Capture();
        h.setLink(cap);
        List<Integer> sources = sourceRepresentatives(director);
        List<Failure> failures = new ArrayList<>();
        long classes = 0;
        int sport = 10_000;
        for (VirtualService vs : director.config().ipvs().services()) {
            if (vs.key().isFwmark() || vs.servers().isEmpty()) continue;
            int proto = vs.key().protocol().number();
            if (proto != 6 && proto != 17) continue;
            for (int src : sources) {
                classes++;
                cap.clock += 100_000; // a fresh connection each time: earlier entries have expired
                cap.out = null;
                SkBuff s = new SkBuff();
                s.saddr = src;
                s.daddr = vs.key().address().bits();
                s.protocol = proto;
                s.sport = sport = sport >= 60_000 ? 10_000 : sport + 1;
                s.dport = vs.key().port();
                s.tcpFlags = proto == 6 ? 0x02 : 0;
                String witness = new Ipv4(src) + ":" + s.sport + " -> " + vs.key().address() + ":" + vs.key().port();
                h.receive(inDev, s);
                String outcome = outcome(cap, vs);
                if (outcome != null)
                    failures.add(new Failure(proto == 6 ? "tcp" : "udp", witness, inDev, vs.key().toString(), outcome));
            }
        }
        return new Report(classes, failures, System.nanoTime() - t0);
    }

    /** Null when the packet left towards a real server of vs; else what happened. */
    private static String outcome(Capture cap, VirtualService vs) {
        SkBuff o = cap.out;
        if (o == null) return "dropped on the director (nothing was sent)";
        for (RealServer rs : vs.servers()) {
            if (o.daddr == rs.address().bits() && (rs.port() == 0 || o.dport == rs.port())) return null;
            // direct routing and tunnelling keep the VIP: the frame goes to the server's next hop
            if (o.inner != null && o.inner.daddr == vs.key().address().bits() && o.daddr == rs.address().bits()) return null;
        }
        if (o.protocol == 1) return "answered with ICMP type " + (o.dport >> 8) + " code " + (o.dport & 255) + " on " + cap.dev;
        if (o.protocol == 6 && (o.tcpFlags & 0x04) != 0) return "answered with a TCP reset on " + cap.dev;
        return "sent to " + new Ipv4(o.daddr) + ":" + o.dport + " on " + cap.dev + ", not to a real server";
    }

    /** One address inside each source prefix the rules name (network + 1, or the address of a /32), and one outside them all. */
    static List<Integer> sourceRepresentatives(Host h) {
        Set<Prefix> prefixes = new TreeSet<>();
        for (Table t : h.config().iptables().tables().values())
            for (Chain c : t.chains())
                for (Rule r : c.rules())
                    for (Match m : r.matches())
                        if (m instanceof AddrMatch a && a.dir() == AddrMatch.Direction.SRC) prefixes.add(a.prefix().network());
        Set<Integer> local = new java.util.HashSet<>();
        for (var a : h.config().addresses()) local.add(a.prefix().address().bits());
        List<Integer> reps = new ArrayList<>();
        for (Prefix p : prefixes) {
            if (p.length() == 0) continue;
            int rep = p.length() >= 31 ? p.address().bits() : p.address().bits() + 1;
            // a source that is the director's own address is a martian, not a client: take the next one
            while (local.contains(rep) && p.contains(new Ipv4(rep + 1)) && rep + 1 != (int) p.broadcast().bits()) rep++;
            if (rep >>> 24 == 127 || local.contains(rep)) continue; // loopback sources are martians on a real interface
            if (!reps.contains(rep)) reps.add(rep);
        }
        // outside every prefix: the first of a few documentation addresses that no prefix holds
        for (String cand : new String[] {"198.51.100.7", "203.0.113.7", "192.0.2.7", "100.64.0.7"}) {
            Ipv4 a = Ipv4.parse(cand);
            boolean inside = false;
            for (Prefix p : prefixes) if (p.length() > 0 && p.contains(a)) inside = true;
            if (!inside) {
                reps.add(a.bits());
                break;
            }
        }
        return reps;
    }

    /** The director's only neighbourhood: the first frame sent is kept. */
    private static final class Capture extends io.fnlab.sim.host.IsolatedLink {
        SkBuff out;
        String dev;

        @Override
        protected void sent(String dev, SkBuff skb) {
            if (out == null) {
                out = skb;
                this.dev = dev;
            }
        }
    }
}
