package io.fnlab.model.parse;

/**
 * A message produced while applying a script, where the real tool prints an error and the shell
 * goes on (iptables: "Chain 'X' does not exist"). {@code tool} is the command that failed and
 * {@code command} its words as written (null when not known).
 */
public record Diagnostic(Severity severity, SourceRef where, String tool, String message, String command) {
    public enum Severity { ERROR, WARNING, INFO }

    public Diagnostic(Severity severity, SourceRef where, String tool, String message) {
        this(severity, where, tool, message, null);
    }

    public Diagnostic withCommand(String cmd) {
        return new Diagnostic(severity, where, tool, message, cmd);
    }

    @Override
    public String toString() {
        return where + ": " + tool + ": " + message;
    }
}
