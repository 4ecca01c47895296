package io.fnlab.lab.compare;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The run-time choices of one connection at one capture point, bound on first sight and held for
 * the rest of the flow: the kernel picks ephemeral ports (__inet_hash_connect), MASQUERADE/SNAT
 * ports when the original one is taken (nf_nat_l4proto_unique_tuple) and TCP initial sequence
 * numbers (secure_tcp_seq) at random, so the simulator's values can only be related to the real
 * ones, not equal them. Ports the scenario fixes (servers, flow destinations, fixed source ports)
 * never bind to another value. A trial ({@link #trial()}) records new bindings separately until
 * {@link #commit()}.
 */
final class Bindings {
    private final Set<Integer> fixedPorts;
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, String> realPorts = new HashMap<>();
    private final Map<String, Long> seqOffsets = new HashMap<>();
    private final Map<String, Long> synIsn = new HashMap<>();
    private Map<String, Long> newIsn = new HashMap<>();
    private Map<String, Integer> newPorts = new HashMap<>();
    private Map<String, Long> newSeq = new HashMap<>();

    private final Set<String> synSenders;

    /**
     * @param synSenders simulated endpoints that send a SYN in this connection at this point: their
     *     ISN binds only on the SYN, so a packet of another connection on the same ports (a reused
     *     port) cannot claim the binding first
     */
    Bindings(Set<Integer> fixedPorts, Set<String> synSenders) {
        this.fixedPorts = fixedPorts;
        this.synSenders = synSenders;
    }

    /** Starts a trial: forget uncommitted bindings. */
    Bindings trial() {
        newPorts = new HashMap<>();
        newSeq = new HashMap<>();
        newIsn = new HashMap<>();
        return this;
    }

    void commit() {
        newPorts.forEach((k, v) -> {
            ports.put(k, v);
            realPorts.put(k.substring(0, k.lastIndexOf(':') + 1) + v, k);
        });
        newSeq.forEach(seqOffsets::put);
        newIsn.forEach(synIsn::put);
        newPorts = new HashMap<>();
        newSeq = new HashMap<>();
        newIsn = new HashMap<>();
    }

    /** Whether the simulated port of address {@code ip} corresponds to the captured one, binding it if new. */
    boolean port(String ip, int sim, int real) {
        String k = ip + ":" + sim;
        Integer b = ports.containsKey(k) ? ports.get(k) : newPorts.get(k);
        if (b != null) return b == real;
        if (sim != real) {
            if (fixedPorts.contains(sim)) return false;
            String owner = realPorts.get(ip + ":" + real);
            if (owner != null && !owner.equals(k)) return false;
        }
        newPorts.put(k, real);
        return true;
    }

    /** Whether a sequence number matches: the same distance from the sender's ISN as simulated. */
    boolean seq(String endpoint, long sim, long real, boolean syn) {
        long off = (real - sim) & 0xffffffffL;
        Long b = newSeq.containsKey(endpoint) ? newSeq.get(endpoint) : seqOffsets.get(endpoint);
        // a SYN with a new simulated ISN is a new connection on the same ports (after a RST, or
        // a reused port): the kernel picks a new ISN too, so it binds afresh
        Long isn = synIsn.containsKey(endpoint) ? synIsn.get(endpoint) : newIsn.get(endpoint);
        if (syn && isn != null && isn != sim) b = null;
        if (syn) newIsn.put(endpoint, sim);
        if (b != null) return b == off;
        if (!syn && synSenders.contains(endpoint)) return false;
        newSeq.put(endpoint, off);
        return true;
    }

    /** The captured value a simulated sequence number stands for, when bound (for reports). */
    long realSeq(String endpoint, long sim) {
        Long b = seqOffsets.get(endpoint);
        return b == null ? sim : (sim + b) & 0xffffffffL;
    }
}
