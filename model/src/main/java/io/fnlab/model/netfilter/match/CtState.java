package io.fnlab.model.netfilter.match;

/** Conntrack states as -m conntrack --ctstate and -m state name them. */
public enum CtState { INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, SNAT, DNAT }
