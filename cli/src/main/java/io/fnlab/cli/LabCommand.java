package io.fnlab.cli;

import io.fnlab.lab.netns.NetnsBackend;
import io.fnlab.lab.run.LabBatch;
import io.fnlab.lab.run.LabRun;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** fnlab lab: run scenarios on a real kernel. */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "Runs scenarios on a real Linux kernel.",
        subcommands = {LabCommand.Run.class})
public final class LabCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Exports every host (the files `fnlab export` writes), builds the topology in network namespaces "
                    + "(or a VM when a host has IPVS services), applies each host's apply.sh inside it, runs the traffic with the "
                    + "probe while tcpdump -i any captures on every host, tears everything down, and compares the captures "
                    + "with the simulation. OUT gets HOST.pcap, manifest.json, export/HOST/ and lab.log.",
                    "With several scenarios (fnlab lab run scenarios/*.yaml --out DIR), every one that needs the VM runs in "
                    + "one VM boot, the others in namespaces; each gets DIR/NAME/ (NAME: the file name without .yaml) with "
                    + "compare.txt and compare.json as well, and a summary table (DIR/summary.txt, summary.json) is printed."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:captures agree with the simulation (every scenario's)", "1:differences, or a lab case that did not run",
                    "2:bad input",
                    "3:the lab could not run (not root, tools or qemu missing)"})
    public static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "one or more scenario files")
        List<Path> scenarios;

        @Option(names = "--backend", description = "auto, netns or vm (default ${DEFAULT-VALUE}: vm when any host has IPVS services)",
                defaultValue = "auto")
        String backend;

        @Option(names = "--out", paramLabel = "DIR", description = "where captures and exports go (default: a new directory under /tmp)")
        Path out;

        @Option(names = "--keep", description = "leave the namespaces up afterwards (netns backend only)")
        boolean keep;

        @Option(names = "--lanes", description = "with several scenarios: how many run side by side in the VM (default ${DEFAULT-VALUE})",
                defaultValue = "" + LabBatch.DEFAULT_LANES)
        int lanes;

        @Option(names = "--format", description = "text or json (default ${DEFAULT-VALUE}; with several scenarios: the summary)",
                defaultValue = "text")
        String format;

        @Option(names = "--strict", description = "compare every TCP segment, also pure ACKs and the ack of a FIN")
        boolean strict;

        @Mixin
        SeedOption seedOption;

        @Override
        public Integer call() throws Exception {
            LabRun.Backend b;
            try {
                b = LabRun.Backend.valueOf(backend.toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new UserError("--backend must be auto, netns or vm, not " + backend);
            }
            boolean json = ReportFormat.isJson(format);
            if (lanes < 1 || lanes > 32) throw new UserError("--lanes must be between 1 and 32, not " + lanes);
            if (scenarios.size() > 1) return batch(b);
            Path scenario = scenarios.get(0);
            Scenario s = Scenarios.read(scenario);
            LabRun.Backend chosen = LabRun.choose(s, b);
            if (keep && chosen == LabRun.Backend.VM)
                throw new UserError("--keep is not available with the VM backend: the VM powers off when its job ends");
            if (chosen == LabRun.Backend.NETNS) {
                var why = NetnsBackend.unavailableReason();
                if (why.isPresent()) throw new UserError("cannot run the netns lab: " + why.get(), ExitCodes.INTERNAL);
            } else {
                var why = io.fnlab.lab.vm.VmImage.unavailableReason();
                if (why.isPresent()) throw new UserError("cannot run the VM lab: " + why.get(), ExitCodes.INTERNAL);
            }
            Path dir = out != null ? out : Files.createTempDirectory("fnlab-lab-");
            var err = spec.commandLine().getErr();
            LabRun.Result r = keep ? LabRun.runKept(s, scenario, dir, seedOption.seed, strict, err::println) : LabRun.run(s, scenario, b, dir, seedOption.seed, strict, err::println);
            var o = spec.commandLine().getOut();
            r.warnings().forEach(w -> err.println("fnlab: warning: " + w));
            if (json) {
                o.print(r.report().json());
            } else {
                o.println("backend " + r.backend().name().toLowerCase() + ", kernel " + r.kernel() + ", captures in " + r.out());
                o.print(r.report().text());
            }
            if (keep) {
                o.println("the lab is still up; enter a host with:");
                r.kept().forEach((host, ns) -> o.println("  ip netns exec " + ns + " bash    # " + host));
                o.println("remove it with: for n in " + String.join(" ", r.kept().values()) + " " + r.keptExtra()
                        + "; do ip netns pids $n | xargs -r kill; ip netns del $n; done");
            }
            o.flush();
            if (!r.ran()) err.println("fnlab: the lab case did not run to its end (exit " + r.lab().exitCode() + "); see " + r.out().resolve("lab.log"));
            return r.agrees() ? ExitCodes.OK : ExitCodes.FINDINGS;
        }

        /** Several scenarios: read all first (bad input stops before any lab work), then one batch, then the summary. */
        private Integer batch(LabRun.Backend b) throws Exception {
            if (keep) throw new UserError("--keep takes one scenario (it leaves that scenario's namespaces up)");
            List<LabBatch.Item> items = new ArrayList<>();
            for (Path p : scenarios) items.add(new LabBatch.Item(Scenarios.read(p), p, LabBatch.nameOf(p)));
            String clash = LabBatch.clash(items);
            if (clash != null) throw new UserError(clash);
            boolean vm = false;
            boolean ns = false;
            for (LabBatch.Item i : items) {
                LabRun.Backend chosen = LabRun.choose(i.scenario(), b);
                vm |= chosen == LabRun.Backend.VM;
                ns |= chosen == LabRun.Backend.NETNS;
            }
            if (ns) NetnsBackend.unavailableReason().ifPresent(why -> { throw new UserError("cannot run the netns lab: " + why, ExitCodes.INTERNAL); });
            if (vm) io.fnlab.lab.vm.VmImage.unavailableReason().ifPresent(why -> { throw new UserError("cannot run the VM lab: " + why, ExitCodes.INTERNAL); });
            Path dir = out != null ? out : Files.createTempDirectory("fnlab-lab-");
            var err = spec.commandLine().getErr();
            // progress for a person at a terminal; CI logs get the summary only
            boolean tty = System.console() != null && System.getenv("FNLAB_NO_PROGRESS") == null;
            LabBatch.Summary sum = LabBatch.run(items, b, dir, seedOption.seed, strict, lanes, line -> {
                if (tty) {
                    err.println("fnlab: " + line);
                    err.flush();
                }
            });
            for (LabBatch.Result r : sum.results())
                r.result().warnings().forEach(w -> err.println("fnlab: warning: " + r.item().name() + ": " + w));
            var o = spec.commandLine().getOut();
            o.print(ReportFormat.isJson(format) ? sum.json() : sum.text());
            o.flush();
            return sum.allAgree() ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
    }
}
