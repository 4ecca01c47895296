package io.fnlab.sim.verify;

import java.util.List;

/**
 * One result of a check: how bad, a one-line verdict, the root cause in kernel terms, the
 * evidence, and a suggested fix. check is the id of the check that found it; kind and subject
 * classify the root cause the way scenario files name expected causes (docs/scenario-format.md:
 * "missing-chain"/"LVS_PROXY_CHAIN", "sysctl"/"net.ipv4.vs.conntrack=0"), null when none fits.
 */
public record Finding(String check, Severity severity, String host, String verdict, String cause,
                      List<Evidence> evidence, String fix, String kind, String subject) {
    public Finding {
        evidence = List.copyOf(evidence);
    }

    public Finding(String check, Severity severity, String host, String verdict, String cause, List<Evidence> evidence,
                   String fix) {
        this(check, severity, host, verdict, cause, evidence, fix, null, null);
    }

    public Finding classified(String kind, String subject) {
        return new Finding(check, severity, host, verdict, cause, evidence, fix, kind, subject);
    }
}
