package io.fnlab.lab.ipvsdiff;

import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.host.SimHost;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import io.fnlab.sim.net.TappedLink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A library scenario run packet for packet both ways: on a real kernel (the lab plan of the
 * scenario with the given shell setup per host, tcpdump on every host) and in the simulator; the
 * comparison is per host, on {@link PacketSequences#normalise normalised} sequences.
 *
 * @param setupByHost shell per host doing what the scenario's config does (routes, sysctls,
 *     ipvsadm, iptables, addresses on lo); interface addresses come from the scenario itself
 * @param knownPorts service ports, kept literally when normalising (all others are ephemeral)
 */
public record Recipe(Path scenarioFile, Map<String, String> setupByHost, Set<Integer> knownPorts) {
    /** How long the lab's probe client waits: long enough for one SYN retransmission (1 s RTO). */
    public static final int CLIENT_TIMEOUT_MS = 2500;

    public Scenario scenario() {
        return ScenarioReader.read(scenarioFile);
    }

    /**
     * The scenario's lab plan, with each probe server started with --hold so that, as in the
     * simulator, the server answers and keeps the connection until the client closes it (the plain
     * probe server closes first); the client closes when its timeout ends its wait for more.
     */
    public LabPlan labPlan() {
        LabPlan p = LabPlan.fromScenario(scenario(), setupByHost, CLIENT_TIMEOUT_MS);
        List<LabPlan.LabStep> steps = new ArrayList<>();
        for (LabPlan.LabServer sv : p.servers()) {
            String log = "/out/" + p.name() + "/" + sv.logName();
            steps.add(new LabPlan.LabStep.Run(sv.host(), "fnlab-probe serve " + sv.proto() + " " + sv.port() + " "
                    + io.fnlab.lab.netns.LabScript.q(sv.response() == null ? "" : sv.response())
                    + (sv.bind() == null ? "" : " " + sv.bind()) + " --hold 30000 > " + log
                    + " 2>&1 & n=0; while ! grep -q listening " + log + " && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done",
                    sv.logName() + ".start"));
        }
        // one after another, as simulate() runs them (its starts are spaced by a full client timeout)
        for (LabPlan.LabStep st : p.steps()) steps.add(st instanceof LabPlan.LabStep.Connect c ? c.inSequence() : st);
        return new LabPlan(p.name(), p.hosts(), List.of(), steps, true);
    }

    /** The simulator's run: the flows' results and, per host, what its tcpdump -i any would have seen. */
    public record SimRun(List<FlowResult> flows, Map<String, List<PacketSeen>> seen) {}

    /**
     * The scenario's flows run as the lab runs them: one after another, each client giving up
     * after the probe's timeout ({@link #CLIENT_TIMEOUT_MS}), so that both sides send as many SYNs
     * (the redirect back-off and the ICMP rate limit count them). What each host puts on or takes
     * from a wire is recorded in the order it happens.
     */
    public SimRun simulate() {
        Scenario s = scenario();
        Network n = Network.of(s, 1);
        n.clientTimeout(CLIENT_TIMEOUT_MS);
        Map<String, List<PacketSeen>> seen = new LinkedHashMap<>();
        for (SimHost h : n.hosts().values()) {
            seen.put(h.name(), new ArrayList<>());
            // each frame a host sends or gets, in wire order; lo traffic is no capture point's here
            h.setLink(new TappedLink(n, (host, dev, mac, in, time, skb) -> {
                if (dev != null && "lo".equals(dev.name())) return;
                PacketSeen p = PacketSequences.parseSim(in, skb.toString());
                if (p != null) seen.get(host.name()).add(p);
            }));
        }
        List<Traffic.Flow> flows = new ArrayList<>();
        long start = 0;
        for (Traffic t : s.traffic()) {
            if (!(t instanceof Traffic.Flow f)) continue;
            flows.add(new Traffic.Flow(f.id(), f.from(), f.protocol(), f.to(), f.sourcePort(), f.request(), f.close(), f.repeat(),
                    start, f.source()));
            start += (long) Math.max(1, f.repeat()) * (CLIENT_TIMEOUT_MS + 100);
        }
        return new SimRun(n.run(flows), seen);
    }

    /** Per host: the normalised sequence the kernel's capture shows. */
    public Map<String, List<String>> kernelSequences(LabResult r) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Host h : scenario().hosts()) {
            byte[] pcap = r.outputs().get(h.name() + ".pcap");
            out.put(h.name(), pcap == null ? List.of("(no capture)") : PacketSequences.normalise(PacketSequences.fromCapture(pcap), knownPorts));
        }
        return out;
    }

    /** Per host: the normalised sequence of what the simulated host sent and received, in the order it happened. */
    public Map<String, List<String>> modelSequences(SimRun run) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Host h : scenario().hosts()) {
            out.put(h.name(), PacketSequences.normalise(run.seen().getOrDefault(h.name(), List.of()), knownPorts));
        }
        return out;
    }
}
