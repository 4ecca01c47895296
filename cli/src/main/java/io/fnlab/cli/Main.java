package io.fnlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The fnlab command. Exit codes scripts can trust: 0 holds, 1 findings, 2 bad input, 3 fnlab failed. */
@Command(name = "fnlab", mixinStandardHelpOptions = true, version = "fnlab 0.1.0",
        description = "Packet-path simulator and verification lab for Linux load balancers.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all holds / input understood", "1:findings or differences", "2:bad input",
                "3:fnlab failed (internal error or lab environment)"},
        subcommands = {CommandLine.HelpCommand.class, ParseCommand.class, VerifyCommand.class, TraceCommand.class,
                ExplainCommand.class, DiffCommand.class, StateCommand.class, ExportCommand.class, SimulateCommand.class,
                CompareCommand.class, LabCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("fnlab: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return ExitCodes.BAD_INPUT;
        });
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
