package io.fnlab.model.route;

import io.fnlab.model.net.Prefix;

/** `ip addr add 10.0.0.1/24 dev eth0 [scope host|link|global] [label ..]`. */
public record Address(Prefix prefix, String device, Scope scope) {
    public enum Scope { GLOBAL, LINK, HOST }
}
