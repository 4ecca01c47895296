package io.fnlab.model.format.sysctl;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import io.fnlab.model.sysctl.Sysctls;
import java.util.List;
import java.util.Optional;

/**
 * `sysctl [-w] [-q] [-e] key=value ...` (procps-ng): every "key=value" argument is written, with
 * or without -w. Reading a key ("sysctl net.ipv4.ip_forward") changes nothing. fnlab has no
 * /proc/sys, so unknown keys are kept rather than refused ("cannot stat"); -p needs the file's
 * text (use SysctlConf.read) and is refused.
 */
public final class SysctlCommand implements ToolCommand {
    @Override
    public String tool() {
        return "sysctl";
    }

    @Override
    public Optional<Diagnostic> apply(HostConfigBuilder host, List<String> argv, SourceRef where) {
        boolean write = false;
        for (String a : argv) {
            if (a.startsWith("-") && a.length() > 1 && !a.contains("=")) {
                switch (a) {
                    case "-w", "--write" -> write = true;
                    case "-q", "--quiet", "-e", "--ignore", "-n", "--values", "-N", "--names", "-b", "--binary", "-o", "-x" -> { }
                    case "-p", "--load", "-f", "--system", "-a", "-A", "-X", "--all", "-r", "--pattern" ->
                            throw new ParseError(where, "sysctl " + a + " needs files or /proc/sys, which fnlab does not have; "
                                    + "give the file to SysctlConf.read");
                    case "-h", "--help", "-d", "-V", "--version" -> { return Optional.empty(); }
                    default -> {
                        if (a.startsWith("--")) return fail(where, "sysctl: unrecognized option '" + a + "'");
                        return fail(where, "sysctl: invalid option -- '" + a.charAt(1) + "'");
                    }
                }
            }
        }
        for (String a : argv) {
            if (a.startsWith("-") && a.length() > 1 && !a.contains("=")) continue;
            int eq = a.indexOf('=');
            if (eq < 0) {
                if (write) return fail(where, "sysctl: command line(0): invalid syntax, continuing...");
                continue; // a read
            }
            String key = a.substring(0, eq).strip();
            if (key.startsWith("-")) key = key.substring(1);
            if (key.isEmpty()) return fail(where, "sysctl: Path is not under /proc/sys: /proc/sys/");
            SysctlConf.checkKey(key, where);
            host.sysctls.put(Sysctls.normalise(key), a.substring(eq + 1).strip());
        }
        return Optional.empty();
    }

    private static Optional<Diagnostic> fail(SourceRef where, String msg) {
        return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "sysctl", msg));
    }
}
