package io.fnlab.sim.netfilter;

/** What a hook function returns (NF_DROP, NF_ACCEPT, NF_STOLEN, NF_QUEUE, NF_REPEAT). */
public enum NfVerdict {
    DROP, ACCEPT,
    /** The function took the packet (IPVS after ip_vs_nat_xmit re-injected it): stop walking, do not continue the path. */
    STOLEN,
    /** Not modelled: fnlab reports QUEUE as unsupported. */
    QUEUE,
    REPEAT
}
