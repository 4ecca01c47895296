package io.fnlab.sim.net;

import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;

/** Traces as text for people: one line per step, indented under its host. */
public final class TraceText {
    public static String render(FlowResult r) {
        StringBuilder b = new StringBuilder();
        b.append("flow ").append(r.connection()).append(": ").append(r.outcome());
        if (r.detail() != null) b.append(" (").append(r.detail()).append(')');
        b.append('\n');
        b.append("  client sees ").append(r.clientView()).append('\n');
        if (r.servedByHost() != null)
            b.append("  served by ").append(r.servedByHost()).append(' ').append(r.servedBySocket()).append(", which sees ")
                    .append(r.serverView()).append('\n');
        for (Trace t : r.traces()) b.append(render(t));
        return b.toString();
    }

    public static String render(Trace t) {
        StringBuilder b = new StringBuilder();
        b.append("packet ").append(t.flow()).append(" -> ").append(t.disposition()).append('\n');
        for (Hop h : t.hops()) {
            b.append("  ").append(h.host()).append(": ").append(h.packet()).append('\n');
            for (Step s : h.steps()) b.append("    ").append(line(s)).append('\n');
        }
        return b.toString();
    }

    public static String line(Step s) {
        if (s instanceof Step.Received x) return "in " + x.dev() + ": " + x.packet();
        if (s instanceof Step.HookRan x) return x.hook() + " " + x.priority() + " " + x.owner() + " " + x.function() + " -> " + x.verdict();
        if (s instanceof Step.RuleMatched x)
            return "  " + x.table() + " " + x.chain() + " #" + x.index() + " " + x.rule() + " (" + x.source() + ") " + x.effect();
        if (s instanceof Step.PolicyApplied x) return "  " + x.table() + " " + x.chain() + " policy " + x.policy();
        if (s instanceof Step.Conntrack x)
            return "  conntrack " + x.event() + " " + x.state() + (x.original() == null ? "" : " " + x.original() + " / " + x.reply())
                    + (x.detail() == null ? "" : " [" + x.detail() + "]");
        if (s instanceof Step.Rewrite x) return "  " + x.by() + " " + x.kind() + ": " + x.before() + " => " + x.after();
        if (s instanceof Step.IpvsSchedule x)
            return "  ipvs " + x.service() + " " + x.scheduler() + " -> " + x.server() + " " + x.method() + " (" + x.reason() + ")";
        if (s instanceof Step.Routed x)
            return "route " + x.destination() + ": " + x.route() + " [table " + x.table() + "]";
        if (s instanceof Step.Neighbour x) return "arp " + x.dev() + " " + x.address() + ": " + x.result();
        if (s instanceof Step.Transmitted x) return "out " + x.dev() + " via " + x.nextHop() + ": " + x.packet();
        if (s instanceof Step.Delivered x) return "deliver " + x.socket() + ": " + x.detail();
        if (s instanceof Step.Generated x) return "sends " + x.packet() + " (" + x.reason() + ")";
        if (s instanceof Step.Dropped x) return "DROP by " + x.by() + ": " + x.reason();
        if (s instanceof Step.NotModelled x) return "not modelled: " + x.what() + ": " + x.detail();
        if (s instanceof Step.Note x) return "note: " + x.text();
        return s.toString();
    }

    private TraceText() {}
}
