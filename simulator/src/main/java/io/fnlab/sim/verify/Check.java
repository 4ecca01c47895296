package io.fnlab.sim.verify;

import io.fnlab.model.scenario.Scenario;
import java.util.List;

/** A check over a scenario's static configuration (lint). Dynamic checks look at traces too. */
public interface Check {
    /** Stable id, used in JSON/JUnit output and to name the check in findings. */
    String id();

    /** One line: what the check looks for. */
    String description();

    List<Finding> run(Scenario scenario);
}
