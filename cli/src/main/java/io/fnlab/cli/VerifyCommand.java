package io.fnlab.cli;

import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.verify.ReportWriter;
import io.fnlab.sim.verify.Verifier;
import io.fnlab.sim.verify.VerifyReport;
import io.fnlab.sim.verify.allpackets.AllPacketsCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** fnlab verify: the static checks, the service matrix, the scenario's traffic through the simulated kernels, optionally all packets. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks a scenario: lints every host's config, connects every client to every virtual service "
                + "(the service matrix, docs/checks.md), runs the scenario's traffic through the simulated kernels, "
                + "and checks the expectations. With no SCENARIO, runs the default (" + Scenarios.DEFAULT + ").",
                "Exit 0 when everything holds, 1 on findings (errors), 2 on bad input."})
final class VerifyCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SCENARIO", description = "scenario file (YAML)")
    Path scenario;

    @Option(names = "--format", defaultValue = "text", description = "text, json or junit (JUnit XML for CI systems)")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the report here instead of standard output")
    Path output;

    @Mixin
    SeedOption seedOption;

    @Option(names = "--all-packets", description = {"also verify every director (host with IPVS services) for all packets: "
            + "every class of source, destination, protocol, ports and in-interface that its rules tell apart, one walk each.",
            "Each source class arrives on the interface the director's route back to it uses."})
    boolean allPackets;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json") && !format.equals("junit"))
            throw new UserError("--format must be text, json or junit, not '" + format + "'");
        Path p = scenario != null ? scenario : Scenarios.resolveDefault();
        VerifyReport r;
        try (Progress progress = new Progress("verify " + p.getFileName(), 0)) {
            progress.phase("reading the scenario");
            Scenario s = Scenarios.read(p);
            progress.phase("checking " + s.hosts().size() + " hosts and simulating " + s.traffic().size() + " flows");
            r = Verifier.verify(s, seedOption.seed);
            if (allPackets) {
                progress.phase("all-packets verification of every director");
                r = AllPacketsCheck.apply(s, r);
            }
        }
        String out = switch (format) {
            case "json" -> ReportWriter.json(r);
            case "junit" -> ReportWriter.junit(r);
            default -> ReportWriter.text(r);
        };
        if (output != null) Files.writeString(output, out);
        else System.out.print(out);
        return r.holds() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
