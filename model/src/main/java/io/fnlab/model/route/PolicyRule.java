package io.fnlab.model.route;

import io.fnlab.model.net.Prefix;

/** `ip rule add [not] [from P] [to P] [fwmark M[/MASK]] [iif D] [oif D] [priority N] table T`. */
public record PolicyRule(int priority, boolean not, Prefix from, Prefix to, Long fwmark, Long fwmask, String iif,
                         String oif, String table) {
}
