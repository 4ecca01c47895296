package io.fnlab.model.netfilter.match;

/**
 * xt_statistic. RANDOM keeps the kernel's u32 probability (p * 2^31, as iptables computes it)
 * so that a save/restore round trip is exact; NTH matches every {@code every}-th packet.
 */
public record StatisticMatch(Mode mode, long probabilityU32, int every, int packet, boolean negated) implements Match {
    public enum Mode { RANDOM, NTH }

    public double probability() {
        return probabilityU32 / 2147483648.0;
    }

    public String module() {
        return "statistic";
    }
}
