package io.fnlab.sim.trace;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.parse.SourceRef;

/**
 * One thing that happened to a packet on a host, in the order it happened. Immutable; the shape
 * follows Batfish's flow traces: each step says what ran and what it did. Records serialise to
 * JSON with a "type" field (the record name) via Jackson.
 */
public sealed interface Step {
    /** Arrived on a device (from the wire, or created by a local socket when dev is null). */
    record Received(String dev, String packet) implements Step {}

    /** A hook function ran and returned this verdict. */
    record HookRan(String hook, int priority, String owner, String function, String verdict) implements Step {}

    /** A rule matched (table, chain, 1-based rule number, the rule as iptables-save prints it, where it came from). */
    record RuleMatched(String table, String chain, int index, String rule, SourceRef source, String effect) implements Step {}

    /** The end of a built-in chain was reached: its policy applied. */
    record PolicyApplied(String table, String chain, String policy) implements Step {}

    /** conntrack: a new entry, an existing one found, or the packet left untracked. */
    record Conntrack(String event, FiveTuple original, FiveTuple reply, String state, String detail) implements Step {}

    /** A header rewrite by nf_nat or IPVS: who did it, before and after. */
    record Rewrite(String by, String kind, FiveTuple before, FiveTuple after, String detail) implements Step {}

    /** IPVS picked (or failed to pick) a real server. */
    record IpvsSchedule(String service, String scheduler, String server, String method, String reason) implements Step {}

    /** A routing decision. */
    record Routed(String destination, String route, String dev, String via, String table) implements Step {}

    /** Neighbour resolution (ARP) for the next hop. */
    record Neighbour(String dev, String address, String result) implements Step {}

    /** Left the host on a device. */
    record Transmitted(String dev, String nextHop, String packet) implements Step {}

    /** Given to a local socket, or to the TCP/UDP stack which answered with something. */
    record Delivered(String socket, String detail) implements Step {}

    /** The stack generated a packet (RST, ICMP error, SYN-ACK ...). */
    record Generated(String packet, String reason) implements Step {}

    /** The packet died: who dropped it and why, in kernel terms. */
    record Dropped(String by, String reason) implements Step {}

    /** Something in the config that fnlab does not model and that may change the outcome. */
    record NotModelled(String what, String detail) implements Step {}

    /** Free text: a note for people. */
    record Note(String text) implements Step {}
}
