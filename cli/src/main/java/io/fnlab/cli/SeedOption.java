package io.fnlab.cli;

import picocli.CommandLine.Option;

/**
 * --seed, the same in every command that runs the simulator: which run-time random choices
 * (ephemeral ports, random schedulers, MASQUERADE --random-fully) a run makes. The same seed gives
 * the same run, so a report can be reproduced.
 */
final class SeedOption {
    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "seed of the run-time random choices: ports, random schedulers (default ${DEFAULT-VALUE})")
    long seed;
}
