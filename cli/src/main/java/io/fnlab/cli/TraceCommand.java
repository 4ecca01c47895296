package io.fnlab.cli;

import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.explain.FlowWalk;
import io.fnlab.sim.explain.Flows;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.TraceJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** fnlab trace: one connection through the simulated kernels, packet by packet, hook by hook, rule by rule. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Runs one connection from a host of the scenario to IP:PORT and prints the walk of every packet: "
                + "per host each hook function (hook, priority, owner) with its verdict, the rules that matched "
                + "(table, chain, number, text, file:line), conntrack events, NAT before -> after, the IPVS scheduling "
                + "decision and why, routing and transmit.",
                "Exit 0 when the connection is established, 1 otherwise, 2 on bad input."})
final class TraceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SCENARIO", description = "scenario file (YAML)")
    Path scenario;

    @Option(names = "--from", required = true, paramLabel = "HOST", description = "the host that connects")
    String from;

    @Option(names = "--to", required = true, paramLabel = "IP:PORT", description = "where it connects to")
    String to;

    @Option(names = "--proto", defaultValue = "tcp", description = "tcp or udp (default tcp)")
    String proto;

    @Option(names = "--sport", paramLabel = "N", description = "source port (default: the host's next ephemeral port)")
    Integer sport;

    @Mixin
    ReportFormat format;

    @Mixin
    SeedOption seedOption;

    @Override
    public Integer call() throws Exception {
        boolean json = format.json();
        Protocol p = switch (proto.toLowerCase()) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new UserError("--proto must be tcp or udp, not '" + proto + "'");
        };
        Endpoint dst;
        try {
            dst = Endpoint.parse(to);
        } catch (RuntimeException e) {
            throw new UserError("--to: expected IP:PORT (like 10.1.1.1:80), got '" + to + "'");
        }
        if (sport != null && (sport < 1 || sport > 65535)) throw new UserError("--sport must be 1..65535, not " + sport);
        Scenario s = Scenarios.read(scenario);
        if (s.host(from).isEmpty())
            throw new UserError("scenario " + s.name() + " has no host '" + from + "' (it has "
                    + s.hosts().stream().map(h -> h.name()).toList() + ")");
        FlowResult r = Flows.run(s, Flows.adHoc(from, p, dst, sport), seedOption.seed);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? TraceJson.write(r) + "\n" : FlowWalk.render(r));
        out.flush();
        return r.outcome() == Outcome.ESTABLISHED ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
