package io.fnlab.lab.compare;

import io.fnlab.lab.pcap.CapturedPacket;
import io.fnlab.lab.pcap.Direction;
import java.util.List;

/**
 * One way a capture and the simulation disagree at a capture point.
 *
 * @param kind DIFFERS: a captured packet is the simulated one with some fields changed;
 *     UNEXPECTED: captured, nothing like it simulated; MISSING: simulated, never captured
 * @param captured the captured packet (null for MISSING)
 * @param simulated the simulated packet it was aligned with (null for UNEXPECTED)
 * @param fields what differs, "field: captured X, simulated Y" (empty unless DIFFERS)
 */
public record Difference(Kind kind, String point, Direction direction, CapturedPacket captured, SimPacket simulated,
                         List<String> fields) {
    public enum Kind { DIFFERS, UNEXPECTED, MISSING }

    public Difference {
        fields = List.copyOf(fields);
    }

    /** The first line of {@link #text()}: kind, point, direction and fields (what a list of known differences holds). */
    public String headline() {
        return kind + " at " + point + " " + direction + (fields.isEmpty() ? "" : ": " + String.join("; ", fields));
    }

    /** A few lines for a terminal. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(kind).append(" at ").append(point).append(' ').append(direction);
        if (!fields.isEmpty()) b.append(": ").append(String.join("; ", fields));
        b.append('\n');
        if (captured != null) b.append("  captured:     ").append(captured).append('\n');
        if (simulated != null) {
            b.append("  simulated:    ").append(simulated.packet().at(point, 0, 0, simulated.direction(), 0).headers())
                    .append(" on ").append(simulated.dev()).append(" at ").append(simulated.timeMillis()).append(" ms\n");
            b.append("  predicted by: ").append(simulated.predictedBy()).append('\n');
        }
        return b.toString();
    }
}
