package io.fnlab.cli;

import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.conntrack.NfConn;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.ipvs.Ipvs;
import io.fnlab.sim.ipvs.IpvsListing;
import io.fnlab.sim.net.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * fnlab state: a host's kernel state after the scenario's traffic, shown as the real tools show
 * it (ipvsadm -Ln, -Lnc, --stats; conntrack -L), for comparing with a real host.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = {"Runs the scenario's traffic, then prints HOST's state as the real tools show it: "
                + "ipvsadm -Ln (with live ActiveConn/InActConn), ipvsadm -Lnc, ipvsadm -Ln --stats and conntrack -L."})
final class StateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCENARIO")
    Path scenario;

    @Option(names = "--host", required = true, paramLabel = "HOST")
    String host;

    @Mixin
    SeedOption seedOption;

    @Option(names = "--show", defaultValue = "ipvs,connections,stats,conntrack", split = ",",
            description = "what to print: ipvs, connections, stats, conntrack (comma list)")
    List<String> show;

    @Override
    public Integer call() throws Exception {
        Scenario s = Scenarios.read(scenario);
        if (s.host(host).isEmpty()) throw new UserError("no host '" + host + "' in " + scenario + "; hosts: "
                + String.join(", ", s.hosts().stream().map(Host::name).toList()));
        for (String w : show)
            if (!List.of("ipvs", "connections", "stats", "conntrack").contains(w))
                throw new UserError("--show takes ipvs, connections, stats, conntrack; not '" + w + "'");
        Network net = Network.of(s, seedOption.seed);
        net.run(s.traffic().stream().filter(t -> t instanceof Traffic.Flow).map(t -> (Traffic.Flow) t).toList());
        SimHost h = net.host(host);
        Ipvs ipvs = net.ipvs(host);
        if (ipvs != null) {
            if (show.contains("ipvs")) System.out.print("# ipvsadm -Ln\n" + IpvsListing.list(ipvs));
            if (show.contains("connections")) System.out.print("# ipvsadm -Lnc\n" + IpvsListing.connections(ipvs));
            if (show.contains("stats")) System.out.print("# ipvsadm -Ln --stats\n" + IpvsListing.stats(ipvs));
        } else if (show.contains("ipvs") || show.contains("connections") || show.contains("stats")) {
            System.out.println("# " + host + " has no IPVS services");
        }
        if (show.contains("conntrack")) {
            System.out.println("# conntrack -L");
            for (NfConn c : h.conntrackTable().entries()) System.out.println(c.describe(net.now()));
        }
        return ExitCodes.OK;
    }
}
