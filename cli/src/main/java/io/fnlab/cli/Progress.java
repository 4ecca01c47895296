package io.fnlab.cli;

import java.io.PrintStream;

/**
 * Progress for long runs: a self-overwriting line on a terminal, nothing when output is not a
 * terminal (CI logs and pipes stay clean).
 */
public final class Progress implements AutoCloseable {
    private final PrintStream err;
    private final boolean on;
    private final String what;
    private final long total;
    private long lastPrint;

    public Progress(String what, long total) {
        this(System.err, System.console() != null && System.getenv("FNLAB_NO_PROGRESS") == null, what, total);
    }

    Progress(PrintStream err, boolean on, String what, long total) {
        this.err = err;
        this.on = on;
        this.what = what;
        this.total = total;
    }

    public void update(long done) {
        if (!on) return;
        long now = System.nanoTime();
        if (now - lastPrint < 100_000_000L && done < total) return;
        lastPrint = now;
        err.print("\r" + what + ": " + done + (total > 0 ? "/" + total : "") + "   ");
        err.flush();
    }

    /** A step of the work whose size is not known in advance ("simulating 12 flows"). */
    public void phase(String text) {
        if (!on) return;
        err.print("\r\033[K" + what + ": " + text);
        err.flush();
    }

    @Override
    public void close() {
        if (on) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
