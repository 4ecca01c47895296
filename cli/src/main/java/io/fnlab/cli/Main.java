package io.fnlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The fnlab command. Exit codes scripts can trust: 0 holds, 1 findings, 2 bad input. */
@Command(name = "fnlab", mixinStandardHelpOptions = true, version = "fnlab 0.1.0",
        description = "Packet-path simulator and verification lab for Linux load balancers.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
