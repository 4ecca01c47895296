package io.fnlab.cli;

/** Exit codes scripts can trust (design.md, picocli's examples). */
public final class ExitCodes {
    /** Everything holds / the input was understood. */
    public static final int OK = 0;
    /** The run worked and found problems (findings, differences). */
    public static final int FINDINGS = 1;
    /** Bad input: a file that does not parse, a wrong option, a missing file. */
    public static final int BAD_INPUT = 2;
    /** fnlab itself failed (a bug, or the lab's environment); the message says which. */
    public static final int INTERNAL = 3;

    private ExitCodes() {}
}
