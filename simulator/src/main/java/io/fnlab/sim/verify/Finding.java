package io.fnlab.sim.verify;

import java.util.List;

/**
 * One result of a check: how bad, a one-line verdict, the root cause in kernel terms, the
 * evidence, and a suggested fix. check is the id of the check that found it.
 */
public record Finding(String check, Severity severity, String host, String verdict, String cause,
                      List<Evidence> evidence, String fix) {
    public Finding {
        evidence = List.copyOf(evidence);
    }
}
