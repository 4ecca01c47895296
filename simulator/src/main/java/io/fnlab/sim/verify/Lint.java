package io.fnlab.sim.verify;

import io.fnlab.model.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;

/** The static checks, in the order their findings are reported. */
public final class Lint {
    public static List<Check> checks() {
        return List.of(new CommandErrorsCheck(), new ChainStructureCheck(), new MarkCheck(), new IpsetCheck(),
                new IpvsSnatCheck(), new IpvsModeCheck());
    }

    public static List<Finding> run(Scenario s) {
        List<Finding> all = new ArrayList<>();
        for (Check c : checks()) all.addAll(c.run(s));
        return all;
    }

    private Lint() {}
}
