package io.fnlab.lab.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fnlab.lab.pcap.CapturedPacket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The verdict of a comparison: per-point counts and every difference (up to the cap), as text or JSON. */
public record CompareReport(String scenario, boolean strict, List<Comparison.PointStats> points, List<Difference> differences,
                            long moreDifferences, List<String> notCaptured) {

    public boolean agrees() {
        return differences.isEmpty() && moreDifferences == 0;
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("scenario ").append(scenario).append(strict ? " (strict: every TCP segment)" : " (path mode: ACK timing, retransmissions and close order are the endpoints')").append('\n');
        for (Comparison.PointStats p : points) {
            b.append("  ").append(p.point()).append(" (").append(p.file()).append("): ").append(p.captured()).append(" captured, ")
                    .append(p.simulated()).append(" simulated, ").append(p.agreed()).append(" agree");
            if (p.endpointOnly() > 0) b.append(", ").append(p.endpointOnly()).append(" pure ACKs or retransmissions on simulated paths (endpoint timing)");
            if (p.notModelled() > 0) b.append(", ").append(p.notModelled()).append(" IGMP packets (not modelled by fnlab, not compared)");
            if (p.skipped() > 0) b.append(", ").append(p.skipped()).append(" non-IPv4 frames skipped");
            b.append('\n');
        }
        for (String n : notCaptured) b.append("  ").append(n).append(": no capture given, not compared\n");
        for (Difference d : differences) b.append(d.text());
        if (moreDifferences > 0) b.append("... and ").append(moreDifferences).append(" more differences\n");
        b.append(agrees() ? "verdict: captures agree with the simulation\n"
                : "verdict: " + (differences.size() + moreDifferences) + " difference(s)\n");
        return b.toString();
    }

    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("agrees", agrees());
        m.put("mode", strict ? "strict" : "path");
        List<Object> ps = new ArrayList<>();
        for (Comparison.PointStats p : points) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("point", p.point());
            o.put("file", p.file());
            o.put("captured", p.captured());
            o.put("simulated", p.simulated());
            o.put("agreed", p.agreed());
            o.put("skipped", p.skipped());
            o.put("endpointTimingOnly", p.endpointOnly());
            o.put("notModelled", p.notModelled());
            ps.add(o);
        }
        m.put("points", ps);
        m.put("notCaptured", notCaptured);
        List<Object> ds = new ArrayList<>();
        for (Difference d : differences) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("kind", d.kind().name());
            o.put("point", d.point());
            o.put("direction", d.direction().name());
            o.put("fields", d.fields());
            if (d.captured() != null) o.put("captured", packet(d.captured()));
            if (d.simulated() != null) {
                Map<String, Object> s = packet(d.simulated().packet());
                s.put("dev", d.simulated().dev());
                s.put("timeMillis", d.simulated().timeMillis());
                s.put("flow", d.simulated().flow());
                o.put("simulated", s);
                o.put("predictedBy", d.simulated().step() == null ? null : Map.of(
                        "trace", d.simulated().trace() == null ? "" : d.simulated().trace().flow(),
                        "host", d.simulated().point(),
                        "step", d.simulated().step().getClass().getSimpleName(),
                        "text", d.simulated().step().toString()));
            }
            ds.add(o);
        }
        m.put("differences", ds);
        m.put("moreDifferences", moreDifferences);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> packet(CapturedPacket p) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (p.capturePoint() != null) {
            o.put("index", p.index());
            o.put("timestampNanos", p.timestampNanos());
        }
        o.put("summary", p.headers().toString());
        o.put("src", p.src().toString());
        o.put("dst", p.dst().toString());
        o.put("protocol", p.protocol());
        o.put("sport", p.sport());
        o.put("dport", p.dport());
        if (p.protocol() == 6) {
            o.put("flags", io.fnlab.sim.skb.SkBuff.flagString(p.tcpFlags()));
            o.put("seq", p.seq());
            o.put("ack", p.ack());
        }
        o.put("ttl", p.ttl());
        o.put("payloadLength", p.payloadLength());
        return o;
    }
}
