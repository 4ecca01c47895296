package io.fnlab.cli;

import io.fnlab.model.parse.ParseError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into one-line messages and exit codes: bad input is never a stack trace.
 * FNLAB_DEBUG=1 prints the stack trace as well, for fnlab's developers.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        Throwable e = ex;
        if (e instanceof UncheckedIOException u) e = u.getCause();
        if (System.getenv("FNLAB_DEBUG") != null) ex.printStackTrace(cmd.getErr());
        if (e instanceof ParseError pe) {
            cmd.getErr().println("fnlab: " + pe.where() + ": " + pe.problem());
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof NoSuchFileException nf) {
            cmd.getErr().println("fnlab: no such file: " + nf.getFile());
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof IOException io) {
            cmd.getErr().println("fnlab: " + io.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof UserError ue) {
            cmd.getErr().println("fnlab: " + ue.getMessage());
            return ue.exitCode();
        }
        cmd.getErr().println("fnlab: internal error: " + e + " (set FNLAB_DEBUG=1 for the stack trace; please report it)");
        return ExitCodes.INTERNAL;
    }
}
