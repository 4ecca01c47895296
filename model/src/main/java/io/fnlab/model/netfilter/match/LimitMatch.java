package io.fnlab.model.netfilter.match;

/** xt_limit: token bucket; rate is "N/second|minute|hour|day" as written, burst default 5. */
public record LimitMatch(int count, String unit, int burst) implements Match {
    public String module() {
        return "limit";
    }
}
