package io.fnlab.model.scenario;

/** An L2 broadcast domain (a bridge in the lab). */
public record Segment(String name) {
}
