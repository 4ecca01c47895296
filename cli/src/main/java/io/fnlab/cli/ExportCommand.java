package io.fnlab.cli;

import io.fnlab.lab.export.ExportWriter;
import io.fnlab.lab.export.Exporter;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** fnlab export: the files an operator copies to each real host. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes, per host, the files to copy to the real machine: iptables.rules (iptables-restore --noflush), "
                + "ipset.restore, ipvsadm.rules (ipvsadm -R), sysctl.conf and apply.sh, which checks prerequisites, applies "
                + "everything, is idempotent and undoes its changes when a step fails. Output: DIR/HOST/."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCENARIO")
    Path scenario;

    @Option(names = "--host", paramLabel = "HOST", description = "only this host (default: every host)")
    String host;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() throws Exception {
        Scenario s = Scenarios.read(scenario);
        List<Host> hosts = host == null ? s.hosts() : List.of(s.host(host).orElseThrow(() -> new UserError(
                "no host '" + host + "' in " + scenario + "; hosts: " + String.join(", ", s.hosts().stream().map(Host::name).toList()))));
        for (Host h : hosts) {
            Path d = ExportWriter.write(Exporter.export(s, h), out);
            System.out.println(h.name() + ": " + d + "/apply.sh");
        }
        return ExitCodes.OK;
    }
}
