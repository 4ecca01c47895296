package io.fnlab.sim.verify;

import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.trace.Hop;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Trace;
import java.util.List;

/**
 * Reads the traces of a connection that did not do what the scenario expects and names the
 * kernel cause: the first drop (who, why), a filter policy DROP, forwarding switched off, or the
 * client answering a reply that did not come from the address it connected to.
 */
final class FlowDiagnosis {
    record Cause(String text, String kind, String subject, Trace trace) {}

    static Cause of(FlowResult r, String clientHost) {
        for (Trace t : r.traces()) {
            for (Hop h : t.hops()) {
                List<Step> steps = h.steps();
                for (int i = 0; i < steps.size(); i++) {
                    Step s = steps.get(i);
                    if (s instanceof Step.HookRan hr && "DROP".equals(hr.verdict())) {
                        // The op's own steps follow its HookRan: a DROP policy or a rule with a DROP effect.
                        for (int j = i + 1; j < steps.size() && !(steps.get(j) instanceof Step.HookRan); j++) {
                            if (steps.get(j) instanceof Step.PolicyApplied p && "DROP".equals(p.policy())) {
                                return new Cause("on " + h.host() + ", " + h.packet() + " reached the end of " + p.table() + "/"
                                        + p.chain() + ", whose policy is DROP (hook " + hr.hook() + ", priority " + hr.priority()
                                        + "): no rule accepted it", "FORWARD".equals(p.chain()) ? "forward-policy-drop" : "policy-drop",
                                        p.chain(), t);
                            }
                            if (steps.get(j) instanceof Step.RuleMatched rm && rm.effect() != null
                                    && (rm.effect().startsWith("DROP") || rm.effect().startsWith("REJECT"))) {
                                return new Cause("on " + h.host() + ", rule " + rm.index() + " of " + rm.table() + "/" + rm.chain()
                                        + " (" + rm.rule() + (rm.source() == null ? "" : ", " + rm.source()) + ") dropped "
                                        + h.packet(), "rule-drop", rm.chain(), t);
                            }
                        }
                        return new Cause("on " + h.host() + ", " + hr.owner() + " (" + hr.function() + ") at " + hr.hook()
                                + " priority " + hr.priority() + " dropped " + h.packet(), null, null, t);
                    }
                    if (s instanceof Step.Dropped d) {
                        String kind = null, subject = null;
                        if (d.reason().contains("forwarding is disabled")) {
                            kind = "sysctl";
                            subject = "net.ipv4.ip_forward=0";
                        } else if (d.reason().contains("TTL expired")) {
                            // A packet that lives 64 hops on a few hosts goes round in circles: two
                            // hosts route it to each other (DR to a real server off the director's segment).
                            kind = "routing-loop";
                            subject = h.host();
                        } else if (d.reason().startsWith("martian source") && d.reason().contains("local address")) {
                            // A host receiving a packet from one of its own addresses: a pod reaching
                            // itself through its service without the hairpin MASQUERADE.
                            kind = "hairpin-not-masqueraded";
                            subject = d.reason().substring("martian source".length()).trim().split("[: ]")[0];
                        }
                        return new Cause("on " + h.host() + ", " + d.by() + " dropped " + h.packet() + ": " + d.reason(), kind,
                                subject, t);
                    }
                    if (s instanceof Step.Delivered dl && "none".equals(dl.socket()) && dl.detail().contains("tcp_v4_send_reset")
                            && h.host().equals(clientHost)) {
                        String client = r.clientView() == null ? "" : r.clientView().src().toString();
                        return new Cause("on " + h.host() + " (the client), the stack got " + h.packet() + ", which matches none of its "
                                + "sockets (it connected to " + (r.clientView() == null ? "?" : r.clientView().dst() + ":"
                                + r.clientView().dport()) + "), and answered with RST (tcp_v4_rcv, no_tcp_socket): the reply "
                                + "did not come back through the director's rewrite", "reply-bypasses-director", client, t);
                    }
                }
            }
        }
        return new Cause(r.detail() == null ? "no packet was dropped on the way; the flow " + r.outcome() : r.detail(), null,
                null, r.traces().isEmpty() ? null : r.traces().get(r.traces().size() - 1));
    }

    private FlowDiagnosis() {}
}
