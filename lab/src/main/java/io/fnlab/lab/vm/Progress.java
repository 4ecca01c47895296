package io.fnlab.lab.vm;

/** Progress lines on stderr, only when a person is watching (a terminal), never in CI logs or tests. */
final class Progress {
    private static final boolean TTY = System.console() != null;

    private Progress() {}

    static void say(String msg) {
        if (TTY) System.err.println("fnlab-vm: " + msg);
    }
}
