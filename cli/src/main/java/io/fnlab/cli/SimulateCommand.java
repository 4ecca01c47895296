package io.fnlab.cli;

import io.fnlab.lab.compare.SimCapture;
import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.net.FlowResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** fnlab simulate SCENARIO [--pcap-dir DIR]: the flows' outcomes, and what tcpdump -i any on each host would capture. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Runs a scenario's traffic in the simulator and prints each connection's outcome.",
                "With --pcap-dir, writes DIR/HOST.pcap per host: what `tcpdump -i any` on that host would capture "
                + "(Linux cooked v2 with interface index and direction; tshark and tcpdump read it)."})
public final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "scenario YAML file")
    Path scenario;

    @Option(names = "--pcap-dir", paramLabel = "DIR", description = "write one pcap per host into DIR")
    Path pcapDir;

    @Mixin
    SeedOption seedOption;

    @Override
    public Integer call() {
        Scenario s = ScenarioReader.read(scenario);
        SimCapture sim = SimCapture.run(s, seedOption.seed);
        var out = spec.commandLine().getOut();
        for (FlowResult r : sim.results()) {
            out.println(r.connection() + ": " + r.outcome() + (r.detail() == null ? "" : " (" + r.detail() + ")")
                    + (r.servedByHost() == null ? "" : ", served by " + r.servedByHost()));
        }
        if (pcapDir != null) {
            for (Path p : sim.writePcaps(pcapDir)) {
                String host = p.getFileName().toString().replaceFirst("\\.pcap$", "");
                out.println("wrote " + p + " (" + sim.at(host).size() + " packets)");
            }
        }
        return ExitCodes.OK;
    }
}
