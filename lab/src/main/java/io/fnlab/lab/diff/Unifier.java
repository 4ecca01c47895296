package io.fnlab.lab.diff;

import io.fnlab.model.scenario.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares the simulator's and the kernel's observations of one case, flow by flow. Addresses,
 * outcomes, responses and the ports the configuration names must be equal. Every other port was
 * chosen at run time (an ephemeral port, a MASQUERADE/SNAT port picked on a clash or from a
 * --to-ports range): it is a variable, bound on first sight to the other side's value, and from
 * then on must hold both ways within the flow. So "the server saw the client's own port" must be
 * true on both sides. Bindings do not carry over to the next flow: a case's flows never overlap
 * (CaseBuilder starts them 12 s apart, each after the previous one gave up at the latest), and
 * the kernel may give a later connect() the port of an earlier, closed connection to another
 * destination (Linux 6.18 in network namespaces did: 57830 for both flows of a case, 12 s apart,
 * where the simulator took the next port), which is as valid a run-time choice as a new port.
 *
 * <p>The client's local port is only compared when the flow was established: after a failed
 * connect() the kernel has released the port and getsockname() may no longer report it.
 */
public final class Unifier {
    private final Set<Integer> constants;
    private final Map<Integer, Integer> simToKernel = new HashMap<>();
    private final Map<Integer, Integer> kernelToSim = new HashMap<>();
    private final List<String> differences = new ArrayList<>();

    private Unifier(Set<Integer> constants) {
        this.constants = constants;
    }

    /** The disagreements, one line each; empty when the two sides agree. */
    public static List<String> compare(DiffCase c, List<Observation> sim, List<Observation> kernel) {
        Unifier u = new Unifier(c.constantPorts());
        if (sim.size() != kernel.size()) u.differences.add("flow count: simulator " + sim.size() + ", kernel " + kernel.size());
        for (int i = 0; i < Math.min(sim.size(), kernel.size()); i++) u.flow(sim.get(i), kernel.get(i));
        return u.differences;
    }

    private void flow(Observation s, Observation k) {
        String f = s.flow();
        simToKernel.clear();
        kernelToSim.clear();
        if (s.outcome() != k.outcome()) {
            differences.add(f + ": outcome simulator " + s.outcome() + ", kernel " + k.outcome());
            return; // the rest follows from the outcome; one line says it
        }
        if (s.outcome() == Outcome.ESTABLISHED) {
            same(f, "client address", s.clientAddr(), k.clientAddr());
            port(f, "client port", s.clientPort(), k.clientPort());
            same(f, "response", s.response(), k.response());
        }
        same(f, "served by", s.serverHost(), k.serverHost());
        if (s.serverHost() != null && k.serverHost() != null) {
            same(f, "source address the server saw", s.serverSrc(), k.serverSrc());
            port(f, "source port the server saw", s.serverSport(), k.serverSport());
            same(f, "local address of the server", s.serverDst(), k.serverDst());
            port(f, "local port of the server", s.serverDport(), k.serverDport());
        }
    }

    private void same(String f, String what, Object s, Object k) {
        if (!Objects.equals(s, k)) differences.add(f + ": " + what + " simulator " + s + ", kernel " + k);
    }

    /** Literal for the case's constants, a consistently bound variable for every other port. */
    void port(String f, String what, int s, int k) {
        if (constants.contains(s) || constants.contains(k)) {
            if (s != k) differences.add(f + ": " + what + " simulator " + s + ", kernel " + k + " (a port the config names)");
            return;
        }
        Integer boundK = simToKernel.putIfAbsent(s, k);
        Integer boundS = kernelToSim.putIfAbsent(k, s);
        if (boundK != null && boundK != k)
            differences.add(f + ": " + what + " simulator " + s + " stands for kernel port " + boundK + " elsewhere, here kernel " + k);
        else if (boundS != null && boundS != s)
            differences.add(f + ": " + what + " kernel " + k + " stands for simulator port " + boundS + " elsewhere, here simulator " + s);
    }
}
