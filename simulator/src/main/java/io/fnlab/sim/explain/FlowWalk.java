package io.fnlab.sim.explain;

import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;

/**
 * A flow's walk for people: every packet, host by host, hook by hook (hook, priority, owner,
 * function, verdict) and under each hook what its function did: rules matched (table, chain,
 * rule number, the rule as iptables-save prints it, file:line, effect), conntrack events, NAT
 * before -> after, the IPVS scheduling decision and why, routing, neighbour resolution and
 * transmit. When IPVS steals a packet at LOCAL_IN and sends it on (ip_vs_*_xmit), the hooks that
 * run next are LOCAL_OUT and POST_ROUTING of the re-injected packet: the walk says so.
 */
public final class FlowWalk {
    private FlowWalk() {}

    public static String render(FlowResult r) {
        StringBuilder b = new StringBuilder();
        b.append("flow ").append(r.connection()).append(": ").append(r.outcome());
        if (r.detail() != null) b.append(" (").append(r.detail()).append(')');
        b.append('\n');
        b.append("  client sees  ").append(r.clientView()).append('\n');
        if (r.servedByHost() != null)
            b.append("  served by    ").append(r.servedByHost()).append(' ').append(r.servedBySocket()).append('\n')
                    .append("  server sees  ").append(r.serverView()).append('\n');
        else b.append("  served by    nobody\n");
        if (r.response() != null) b.append("  response     ").append(r.response()).append('\n');
        int n = 0;
        for (Trace t : r.traces()) b.append('\n').append(render(t, ++n));
        return b.toString();
    }

    public static String render(Trace t, int number) {
        StringBuilder b = new StringBuilder();
        b.append("packet ").append(number).append(" (").append(t.flow()).append("): ").append(t.disposition()).append('\n');
        for (Hop h : t.hops()) renderHop(b, h);
        return b.toString();
    }

    static void renderHop(StringBuilder b, Hop h) {
        b.append("  == ").append(h.host()).append(": ").append(h.packet()).append('\n');
        boolean inHook = false;
        boolean stolenHere = false;
        boolean stolenByIpvs = false;
        boolean reinjectNoted = false;
        for (Step s : h.steps()) {
            if (s instanceof Step.HookRan x) {
                if (stolenByIpvs && !reinjectNoted && (x.hook().equals("OUTPUT") || x.hook().equals("POSTROUTING"))) {
                    b.append("     -- re-injected: ip_vs sent the packet on with NF_HOOK(LOCAL_OUT) (ip_vs_send_or_cont); it walks OUTPUT and POSTROUTING again\n");
                    reinjectNoted = true;
                }
                if (x.owner().equals("ip_vs") && x.verdict().equals("STOLEN")) stolenByIpvs = true;
                stolenHere = x.verdict().equals("STOLEN");
                b.append("     ").append(hookLine(x)).append('\n');
                inHook = true;
                continue;
            }
            // a function that stole the packet (ip_vs xmit) routes it itself: that route is part of the hook
            if (s instanceof Step.Received || s instanceof Step.Routed && !stolenHere || s instanceof Step.Neighbour
                    || s instanceof Step.Transmitted || s instanceof Step.Delivered || s instanceof Step.Generated) {
                inHook = false;
            }
            b.append(inHook ? "         " : "     ").append(line(s)).append('\n');
        }
    }

    static String hookLine(Step.HookRan x) {
        return String.format("[%s %d] %s %s -> %s", x.hook(), x.priority(), x.owner(), x.function(), x.verdict());
    }

    /** One step as a line. */
    public static String line(Step s) {
        if (s instanceof Step.HookRan x) return hookLine(x);
        if (s instanceof Step.Received x) return "received on " + (x.dev() == null ? "(local socket)" : x.dev()) + ": " + x.packet();
        if (s instanceof Step.RuleMatched x)
            return "rule " + x.table() + "/" + x.chain() + " #" + x.index() + ": " + x.rule() + "   (" + x.source() + ") -> " + x.effect();
        if (s instanceof Step.PolicyApplied x) return "end of " + x.table() + "/" + x.chain() + ": policy " + x.policy();
        if (s instanceof Step.Conntrack x)
            return "conntrack " + x.event() + (x.state() == null ? "" : " " + x.state())
                    + (x.original() == null ? "" : ": orig " + x.original() + ", reply " + x.reply())
                    + (x.detail() == null ? "" : " [" + x.detail() + "]");
        if (s instanceof Step.Rewrite x)
            return "REWRITE " + x.by() + " " + x.kind() + ": " + x.before() + "  =>  " + x.after() + "  (" + change(x) + ")"
                    + (x.detail() == null ? "" : " [" + x.detail() + "]");
        if (s instanceof Step.IpvsSchedule x)
            return "IPVS " + x.service() + " scheduler " + x.scheduler() + ": "
                    + (x.server() == null ? "no real server" : "picked " + x.server() + " (" + x.method() + ")") + " because " + x.reason();
        if (s instanceof Step.Routed x)
            return "route to " + x.destination() + ": " + x.route() + " [table " + x.table() + "]";
        if (s instanceof Step.Neighbour x) return "neighbour " + x.address() + " on " + x.dev() + ": " + x.result();
        if (s instanceof Step.Transmitted x) return "transmit on " + x.dev() + " to " + x.nextHop() + ": " + x.packet();
        if (s instanceof Step.Delivered x) return "deliver to " + x.socket() + ": " + x.detail();
        if (s instanceof Step.Generated x) return "stack sends " + x.packet() + " (" + x.reason() + ")";
        if (s instanceof Step.Dropped x) return "DROPPED by " + x.by() + ": " + x.reason();
        if (s instanceof Step.NotModelled x) return "NOT MODELLED " + x.what() + ": " + x.detail();
        if (s instanceof Step.Note x) return "note: " + x.text();
        return s.toString();
    }

    /** What a rewrite changed in the tuple: "dst 10.1.1.1:80 -> 192.168.1.2:8181", "src ... ", or both. */
    public static String change(Step.Rewrite x) {
        if (x.before() == null || x.after() == null) return "tuple unknown";
        if (!x.before().protocol().equals(x.after().protocol()) && x.after().protocol().number() == 4)
            return "encapsulated in IPIP " + x.after().src() + " > " + x.after().dst() + "; the inner packet keeps "
                    + x.before().src() + ":" + x.before().sport() + " > " + x.before().dst() + ":" + x.before().dport();
        StringBuilder b = new StringBuilder();
        if (!x.before().src().equals(x.after().src()) || x.before().sport() != x.after().sport())
            b.append("src ").append(x.before().src()).append(':').append(x.before().sport()).append(" -> ")
                    .append(x.after().src()).append(':').append(x.after().sport());
        if (!x.before().dst().equals(x.after().dst()) || x.before().dport() != x.after().dport()) {
            if (b.length() > 0) b.append(", ");
            b.append("dst ").append(x.before().dst()).append(':').append(x.before().dport()).append(" -> ")
                    .append(x.after().dst()).append(':').append(x.after().dport());
        }
        if (!x.before().protocol().equals(x.after().protocol())) {
            if (b.length() > 0) b.append(", ");
            b.append("protocol ").append(x.before().protocol()).append(" -> ").append(x.after().protocol());
        }
        return b.length() == 0 ? "addresses unchanged" : b.toString();
    }
}
