package io.fnlab.cli;

import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.verify.FlowDiff;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** fnlab diff OLD NEW: what a config change does to the traffic. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Runs OLD's traffic through OLD's and NEW's configuration (same seed) and reports every connection "
                + "whose outcome, serving host or translation changed.", "Exit 0 when nothing changed, 1 when something did."})
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW")
    Path newFile;

    @Mixin
    SeedOption seedOption;

    @Option(names = "--all", description = "also list connections that did not change")
    boolean all;

    @Override
    public Integer call() throws Exception {
        Scenario o = Scenarios.read(oldFile), n = Scenarios.read(newFile);
        List<FlowDiff.Change> changes;
        try {
            changes = FlowDiff.diff(o, n, seedOption.seed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        int changed = 0;
        for (FlowDiff.Change c : changes) {
            if (!c.changes().isEmpty()) changed++;
            if (c.changes().isEmpty() && !all) continue;
            System.out.println((c.changes().isEmpty() ? "  same     " : "  CHANGED  ") + c.connection()
                    + (c.changes().isEmpty() ? "" : ": " + String.join("; ", c.changes())));
        }
        System.out.println(changed + " of " + changes.size() + " connection(s) changed");
        return changed == 0 ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
