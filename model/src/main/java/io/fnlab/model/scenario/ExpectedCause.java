package io.fnlab.model.scenario;

import io.fnlab.model.parse.SourceRef;

/**
 * A root cause a failing scenario's findings must name. kind is a lowercase-dashed category
 * (missing-chain, mark-never-set, sysctl, reply-bypasses-director, forward-policy-drop, ...:
 * see docs/scenario-format.md); subject is what it is about (a chain name, "net.ipv4.vs.conntrack=0",
 * an address); note says it in words for people.
 */
public record ExpectedCause(String kind, String subject, String note, SourceRef source) {
}
