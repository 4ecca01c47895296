package io.fnlab.sim.ipvs.sched;

import java.util.List;

/** register_ip_vs_scheduler: the schedulers fnlab models, by the name ipvsadm -s takes. */
public final class Schedulers {
    public static final List<String> NAMES =
            List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh", "fo", "ovf", "lblc", "lblcr");

    private Schedulers() {}

    /** A fresh scheduler instance; throws IllegalArgumentException for a scheduler fnlab does not model. */
    public static Scheduler create(String name) {
        return switch (name) {
            case "rr" -> new RoundRobin();
            case "wrr" -> new WeightedRoundRobin();
            case "lc" -> new LeastConnection();
            case "wlc" -> new WeightedLeastConnection();
            case "sed" -> new ShortestExpectedDelay();
            case "nq" -> new NeverQueue();
            case "sh" -> new SourceHashing();
            case "dh" -> new DestinationHashing();
            case "mh" -> new MaglevHashing();
            case "fo" -> new WeightedFailover();
            case "ovf" -> new WeightedOverflow();
            case "lblc" -> new LocalityBasedLeastConnection();
            case "lblcr" -> new LocalityBasedLeastConnectionReplication();
            default -> throw new IllegalArgumentException("IPVS scheduler '" + name + "' is not modelled (known: " + NAMES + ")");
        };
    }
}
