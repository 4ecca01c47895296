package io.fnlab.model.netfilter.match;

import io.fnlab.model.net.Protocol;

/** -p PROTO with optional !. */
public record ProtoMatch(Protocol protocol, boolean negated) implements Match {
    public String module() {
        return null;
    }
}
