package io.fnlab.model.scenario;

import io.fnlab.model.parse.SourceRef;
import java.util.List;

/** A simulated host (a network namespace in the lab): role is a label for people (client, director, real-server). */
public record Host(String name, String role, List<Interface> interfaces, HostConfig config, SourceRef source) {
    public Host {
        interfaces = List.copyOf(interfaces);
    }
}
