package io.fnlab.cli;

import io.fnlab.model.format.iproute.IpAddrShow;
import io.fnlab.model.format.iproute.IpRouteShow;
import io.fnlab.model.format.ipset.IpsetSave;
import io.fnlab.model.format.iptables.IptablesSave;
import io.fnlab.model.format.ipvsadm.IpvsadmList;
import io.fnlab.model.format.ipvsadm.IpvsadmSave;
import io.fnlab.model.format.scenario.HostScript;
import io.fnlab.model.format.sysctl.SysctlConf;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.HostConfig;
import io.fnlab.model.scenario.HostConfigBuilder;
import io.fnlab.model.scenario.Scenario;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * fnlab parse: reads files in the real tools' formats and prints what fnlab understood, in the
 * tool's own save format, so that a user can diff it with the original. Failed commands of a
 * script are printed as the real tool would print them (the script goes on, as a shell would).
 */
@Command(name = "parse", mixinStandardHelpOptions = true,
        description = {"Reads each FILE (iptables-save, ipset save, ipvsadm -Sn / -Ln, ip -o addr, ip route, sysctl.conf, "
                + "a command script, or a scenario) and prints what fnlab understood in the tool's own save format.",
                "Exit 0 when every file was understood, 2 on the first file that is not (with file, line, column)."})
final class ParseCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Option(names = "--as", paramLabel = "FORMAT", description = "force the format: scenario, iptables-save, ipset-save, "
            + "ipvsadm-save, ipvsadm-list, ip-addr, ip-route, sysctl-conf, script")
    String as;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new java.nio.file.NoSuchFileException(f.toString());
            String text = Files.readString(f);
            String name = f.toString();
            FormatSniffer.Kind kind = as != null ? FormatSniffer.Kind.parse(as) : FormatSniffer.sniff(name, text);
            if (files.size() > 1) out.println("# " + name + " (" + kind.label + ")");
            switch (kind) {
                case IPTABLES_SAVE -> out.print(IptablesSave.write(IptablesSave.read(text, name)));
                case IPSET_SAVE -> out.print(IpsetSave.write(IpsetSave.read(text, name).values()));
                case IPVSADM_SAVE -> out.print(IpvsadmSave.write(IpvsadmSave.read(text, name)));
                case IPVSADM_LIST -> out.print(IpvsadmList.write(IpvsadmList.read(text, name)));
                case IP_ADDR -> out.print(IpAddrShow.write(IpAddrShow.read(text, name)));
                case IP_ROUTE -> out.print(IpRouteShow.write(IpRouteShow.read(text, name, "main")));
                case SYSCTL_CONF -> out.print(SysctlConf.write(SysctlConf.read(text, name)));
                case SCRIPT -> {
                    HostConfigBuilder b = new HostConfigBuilder();
                    HostScript.discovered().run(b, text, name);
                    printHost(out, null, b.build());
                }
                case SCENARIO -> {
                    Scenario s = Scenarios.read(f);
                    for (Host h : s.hosts()) printHost(out, h.name(), h.config());
                }
            }
        }
        return ExitCodes.OK;
    }

    /** A host's whole config, each part in its tool's save format, then what the tools reported. */
    static void printHost(PrintStream out, String host, HostConfig c) {
        String p = host == null ? "" : host + ": ";
        if (!c.sysctls().values().isEmpty()) out.print("# " + p + "sysctl\n" + SysctlConf.write(c.sysctls().values()));
        if (!c.addresses().isEmpty()) {
            out.println("# " + p + "ip addr");
            c.addresses().forEach(a -> out.println("ip addr add " + a.prefix() + " dev " + a.device()
                    + (a.scope() != null && a.scope() != io.fnlab.model.route.Address.Scope.GLOBAL ? " scope " + a.scope().name().toLowerCase(java.util.Locale.ROOT) : "")));
        }
        if (!c.routes().isEmpty()) {
            out.println("# " + p + "ip route");
            out.print(IpRouteShow.write(c.routes(), c.addresses(), "main"));
        }
        if (!c.ipsets().isEmpty()) out.print("# " + p + "ipset save\n" + IpsetSave.write(c.ipsets().values()));
        if (!c.iptables().tables().isEmpty()) out.print("# " + p + "iptables-save\n" + IptablesSave.write(c.iptables()));
        if (!c.ipvs().services().isEmpty() || !c.ipvs().modules().isEmpty()) {
            if (!c.ipvs().modules().isEmpty()) out.println("# " + p + "modules: " + String.join(" ", c.ipvs().modules()));
            out.print("# " + p + "ipvsadm -Sn\n" + IpvsadmSave.write(c.ipvs()));
        }
        for (Diagnostic d : c.diagnostics()) {
            if (d.severity() == Diagnostic.Severity.INFO) continue;
            System.err.println(d.where() + ": " + d.tool() + ": " + d.message());
        }
    }
}
