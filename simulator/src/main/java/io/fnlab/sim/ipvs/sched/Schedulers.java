package io.fnlab.sim.ipvs.sched;

import java.util.List;

/** register_ip_vs_scheduler: the schedulers fnlab models, by the name ipvsadm -s takes. */
public final class Schedulers {
    public static final List<String> NAMES =
            List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh", "fo", "ovf", "lblc", "lblcr");

    private Schedulers() {}

    public static boolean isModelled(String name) {
        return NAMES.contains(name);
    }

    /** A fresh scheduler instance; a name fnlab does not model gets one that never picks and says so. */
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
            default -> new NotModelledScheduler(name);
        };
    }
}
