package io.fnlab.model.netfilter;

/** The five IPv4 netfilter hook points (NF_INET_*), in kernel enum order. */
public enum Hook {
    PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING
}
