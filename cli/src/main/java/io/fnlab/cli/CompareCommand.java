package io.fnlab.cli;

import io.fnlab.lab.compare.CapturePoints;
import io.fnlab.lab.compare.CompareReport;
import io.fnlab.lab.compare.Comparison;
import io.fnlab.lab.compare.SimCapture;
import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** fnlab compare SCENARIO CAPTURE...: real captures against the simulation, packet by packet. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares packet captures (pcap/pcapng; Ethernet, Linux cooked v1/v2, raw IP) with the simulation of a scenario.",
                "Each capture belongs to a host: HOST.pcap, a directory with HOST.pcap files or a manifest.json, or --point HOST=FILE.",
                "Ephemeral and NAT-chosen ports and TCP sequence numbers are bound on first sight and held for the connection; "
                + "IP ids and timing are ignored. Each difference shows both packets and the trace step that predicted the simulated one."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:captures agree with the simulation", "1:differences", "2:bad input (e.g. a damaged capture: file and byte offset)"})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "scenario YAML file")
    Path scenario;

    @Parameters(index = "1..*", paramLabel = "CAPTURE", description = "capture files or directories")
    List<Path> captures = new ArrayList<>();

    @Option(names = "--point", paramLabel = "HOST=FILE", description = "the capture of HOST (repeatable)")
    Map<String, Path> points = new LinkedHashMap<>();

    @Mixin
    ReportFormat format;

    @Option(names = "--strict", description = "compare every TCP segment, also pure ACKs and the ack of a FIN (endpoint timing)")
    boolean strict;

    @Mixin
    SeedOption seed;

    @Override
    public Integer call() {
        boolean json = format.json();
        Scenario s = ScenarioReader.read(scenario);
        Map<String, Path> files = CapturePoints.resolve(captures, points);
        if (files.isEmpty()) throw new UserError("no captures given");
        CompareReport r = compare(s, files, seed.seed, strict);
        spec.commandLine().getOut().print(json ? r.json() : r.text());
        spec.commandLine().getOut().flush();
        return r.agrees() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }

    static CompareReport compare(Scenario s, Map<String, Path> files, long seed, boolean strict) {
        SimCapture sim = SimCapture.run(s, seed);
        for (String h : files.keySet()) {
            if (!sim.points().contains(h))
                throw new UserError("capture " + files.get(h) + " is for host '" + h + "', which scenario " + s.name()
                        + " does not have (hosts: " + String.join(", ", sim.points()) + ")");
        }
        Comparison c = new Comparison(sim, strict);
        files.forEach(c::compare);
        return c.report();
    }
}
