package io.fnlab.model.route;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;

/**
 * `ip route add [type] DST [via GW] [dev DEV] [src SRC] [metric N] [table T] [scope S]`.
 * table is "main", "local" or a number as text; nulls are absent.
 */
public record Route(Type type, Prefix destination, Ipv4 via, String device, Ipv4 src, int metric, String table,
                    Address.Scope scope) {
    public enum Type { UNICAST, LOCAL, BROADCAST, BLACKHOLE, UNREACHABLE, PROHIBIT, THROW }
}
