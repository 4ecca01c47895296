package io.fnlab.model.scenario;

/**
 * A host's network device. ETHERNET devices sit on a named L2 segment; LOOPBACK (lo, always
 * present), DUMMY (kube-ipvs0) and IPIP (tunl0) have no segment. mac null = derived from names.
 */
public record Interface(String name, Kind kind, String segment, String mac, int mtu) {
    public enum Kind { ETHERNET, LOOPBACK, DUMMY, IPIP }
}
