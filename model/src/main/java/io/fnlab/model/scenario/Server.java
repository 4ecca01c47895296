package io.fnlab.model.scenario;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;

/** A listening socket on a host: bind null = INADDR_ANY; response is what it answers to a request. */
public record Server(String host, Protocol protocol, Ipv4 bind, int port, String response) {
}
