package io.fnlab.model.parse;

/**
 * A message produced while applying a script, where the real tool prints an error and the shell
 * goes on (iptables: "Chain 'X' does not exist"). {@code tool} is the command that failed.
 */
public record Diagnostic(Severity severity, SourceRef where, String tool, String message) {
    public enum Severity { ERROR, WARNING, INFO }

    @Override
    public String toString() {
        return where + ": " + tool + ": " + message;
    }
}
