package io.fnlab.cli;

import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.explain.FlowWalk;
import io.fnlab.sim.explain.Flows;
import io.fnlab.sim.explain.HookListing;
import io.fnlab.sim.explain.ModeComparison;
import io.fnlab.sim.explain.SequenceDiagram;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * fnlab explain: teaching output. A flow of a scenario as a sequence diagram (text, or an HTML
 * page with inline SVG), a host's hook registry (--hooks HOST), and `explain modes`: NAT, DR,
 * TUN and fullnat side by side.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explains a flow of a scenario: a sequence diagram with one lane per host and one arrow per packet hop, "
                + "labelled with the packet and the rewrites the sending host made, then the walk hook by hook.",
                "With --hooks HOST: the host's hook functions per hook in the order the kernel runs them.",
                "`fnlab explain modes`: the IPVS forwarding modes side by side."},
        subcommands = ExplainCommand.Modes.class)
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SCENARIO", description = "scenario file (YAML)")
    Path scenario;

    @Option(names = "--hooks", paramLabel = "HOST", description = "list this host's hook registry (nf_hook_ops) instead")
    String hooks;

    @Option(names = "--flow", paramLabel = "ID", description = "the flow to explain (default: the scenario's first)")
    String flow;

    @Option(names = "--html", paramLabel = "FILE", description = "also write a self-contained HTML page (inline SVG) here")
    Path html;

    @Mixin
    SeedOption seedOption;

    @Override
    public Integer call() throws Exception {
        if (scenario == null) throw new UserError("explain needs a SCENARIO (or `fnlab explain modes`)");
        Scenario s = Scenarios.read(scenario);
        PrintWriter out = spec.commandLine().getOut();
        if (hooks != null) {
            if (flow != null || html != null) throw new UserError("--hooks lists a host's hooks; --flow and --html do not apply");
            SimHost h = Network.of(s, seedOption.seed).host(hooks);
            if (h == null)
                throw new UserError("scenario " + s.name() + " has no host '" + hooks + "' (it has "
                        + s.hosts().stream().map(x -> x.name()).toList() + ")");
            out.print(HookListing.render(h));
            out.flush();
            return ExitCodes.OK;
        }
        FlowResult r;
        try {
            r = Flows.runScenarioFlow(s, flow, seedOption.seed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        out.print(SequenceDiagram.of(r, s).text());
        out.println();
        out.print(FlowWalk.render(r));
        out.flush();
        if (html != null) {
            Files.writeString(html, SequenceDiagram.html(r, s));
            spec.commandLine().getErr().println("fnlab: wrote " + html);
        }
        return ExitCodes.OK;
    }

    /** Where the library scenarios are: FNLAB_HOME / -Dfnlab.home (the launcher sets both), else the current directory. */
    static Path scenariosDir(Path override) {
        if (override != null) return override;
        for (Path base : List.of(Scenarios.home(), Path.of("."))) {
            Path d = ModeComparison.scenariosDir(base);
            if (Files.isRegularFile(d.resolve(ModeComparison.Mode.NAT.file))) return d;
        }
        throw new UserError("modes-nat.yaml not found: run from the fnlab checkout, set FNLAB_HOME, or give --dir");
    }

    @Command(name = "modes", mixinStandardHelpOptions = true,
            description = {"NAT, DR, TUN and fullnat side by side on one topology (scenarios/modes-*.yaml): for each mode the "
                    + "first request and its reply hook by hook on the director and the real server, what each rewrite does "
                    + "to the tuple, what the real server sees, and what the mode requires."})
    static final class Modes implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--html", paramLabel = "FILE", description = "also write the comparison as an HTML page here")
        Path html;

        @Option(names = "--dir", paramLabel = "DIR", description = "where modes-*.yaml are (default: FNLAB_HOME/scenarios, ./scenarios)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path d = scenariosDir(dir);
            for (ModeComparison.Mode m : ModeComparison.Mode.values())
                if (!Files.isRegularFile(d.resolve(m.file))) throw new java.nio.file.NoSuchFileException(d.resolve(m.file).toString());
            List<ModeComparison.Column> cols = ModeComparison.run(d);
            PrintWriter out = spec.commandLine().getOut();
            out.print(ModeComparison.text(cols));
            out.flush();
            if (html != null) {
                Files.writeString(html, ModeComparison.html(cols));
                spec.commandLine().getErr().println("fnlab: wrote " + html);
            }
            return ExitCodes.OK;
        }
    }
}
