package io.fnlab.model.parse;

/**
 * The one exception every reader throws for bad input. It always names the place (file, line,
 * column) and what was expected, so that the CLI can print it without a stack trace.
 */
public final class ParseError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final SourceRef where;
    private final String problem;

    public ParseError(SourceRef where, String problem) {
        super(where + ": " + problem);
        this.where = where;
        this.problem = problem;
    }

    public SourceRef where() {
        return where;
    }

    public String problem() {
        return problem;
    }
}
