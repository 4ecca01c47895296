package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * `modprobe [-q] [-v] [-a] [-r] MODULE...` recorded in the host's IPVS state (IpvsConfig.modules),
 * as scripts like seed 001's /etc/ipvsadm.conf load ip_vs and its schedulers. fnlab does not know
 * which modules a kernel ships, so every name is accepted; module parameters
 * (conn_tab_bits=...) are not modelled.
 */
public final class ModprobeCommand implements ToolCommand {
    @Override
    public String tool() {
        return "modprobe";
    }

    @Override
    public Optional<Diagnostic> apply(HostConfigBuilder host, List<String> argv, SourceRef where) {
        boolean all = false, remove = false;
        List<String> names = new ArrayList<>();
        for (String a : argv) {
            if (a.startsWith("-") && a.length() > 1) {
                switch (a) {
                    case "-a", "--all" -> all = true;
                    case "-r", "--remove" -> remove = true;
                    case "-q", "--quiet", "-v", "--verbose", "-b", "--use-blacklist", "-s", "--syslog" -> { }
                    default -> throw new ParseError(where, "modprobe option " + a + " is not modelled by fnlab");
                }
            } else {
                names.add(a);
            }
        }
        if (names.isEmpty()) return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "modprobe",
                "modprobe: ERROR: missing parameters. See -h."));
        if (!all && !remove && names.size() > 1)
            throw new ParseError(where, "module parameters (" + names.get(1) + ") are not modelled by fnlab");
        for (String n : names) {
            if (!n.matches("[A-Za-z0-9_-]+")) throw new ParseError(where, "expected a module name, got '" + n + "'");
            String m = n.replace('-', '_');
            if (remove) host.ipvs.removeModule(m);
            else host.ipvs.addModule(m);
        }
        return Optional.empty();
    }
}
