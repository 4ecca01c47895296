package io.fnlab.sim.verify;

import io.fnlab.model.parse.SourceRef;
import io.fnlab.sim.trace.Trace;

/** What a finding points at: a line of configuration, or the trace of a packet. */
public sealed interface Evidence {
    /** A rule, command or setting as written, with where it was written. */
    record Config(String host, String text, SourceRef source) implements Evidence {}

    /** A simulated packet's walk that shows the claimed fate. */
    record PacketTrace(Trace trace) implements Evidence {}
}
