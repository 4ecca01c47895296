package io.fnlab.lab.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fnlab.model.scenario.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One JSON line printed by fnlab-probe. event is "listening" or "request" (server side: peer is the
 * address the server saw) or "connect" (client side: outcome, local and remote endpoints).
 */
public record ProbeEvent(String event, String proto, String outcome, boolean connected,
                         String localAddr, int localPort, String remoteAddr, int remotePort,
                         String peerAddr, int peerPort, int bytes, String response, String request,
                         String errno, String raw) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The client outcome in the model's terms; empty for server events and unknown outcomes. */
    public Optional<Outcome> clientOutcome() {
        if (outcome == null) return Optional.empty();
        return switch (outcome) {
            case "established" -> Optional.of(Outcome.ESTABLISHED);
            case "reset" -> Optional.of(Outcome.RESET);
            case "refused" -> Optional.of(Outcome.REFUSED);
            case "timeout" -> Optional.of(Outcome.TIMEOUT);
            default -> Optional.empty();
        };
    }

    /** Parses every JSON line; lines that are not JSON objects (stray tool output) are not events. */
    public static List<ProbeEvent> parse(byte[] jsonLines) {
        return parse(new String(jsonLines, StandardCharsets.UTF_8));
    }

    public static List<ProbeEvent> parse(String jsonLines) {
        List<ProbeEvent> out = new ArrayList<>();
        for (String line : jsonLines.split("\r?\n")) {
            String t = line.trim();
            if (!t.startsWith("{")) continue;
            JsonNode n;
            try {
                n = JSON.readTree(t);
            } catch (Exception e) {
                continue;
            }
            out.add(new ProbeEvent(text(n, "event"), text(n, "proto"), text(n, "outcome"),
                    n.path("connected").asBoolean(false),
                    text(n, "local_addr"), n.path("local_port").asInt(0),
                    text(n, "remote_addr"), n.path("remote_port").asInt(0),
                    text(n, "peer_addr"), n.path("peer_port").asInt(0),
                    n.path("bytes").asInt(0), text(n, "response"), text(n, "request"), text(n, "errno"), t));
        }
        return out;
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }
}
