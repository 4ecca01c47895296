package io.fnlab.model.parse;

/** Where a piece of configuration came from: file, 1-based line and column (0 when unknown). */
public record SourceRef(String file, int line, int column) {
    public static final SourceRef UNKNOWN = new SourceRef("<unknown>", 0, 0);

    public static SourceRef of(String file, int line) {
        return new SourceRef(file, line, 0);
    }

    public SourceRef atColumn(int col) {
        return new SourceRef(file, line, col);
    }

    @Override
    public String toString() {
        return column > 0 ? file + ":" + line + ":" + column : file + ":" + line;
    }
}
