package io.fnlab.lab.ipvsdiff;

import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.compare.SimCapture;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.net.FlowResult;
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
        steps.addAll(p.steps());
        return new LabPlan(p.name(), p.hosts(), List.of(), steps, true);
    }

    /** The simulator's run: the flows' results and what each host's tcpdump -i any would have seen. */
    public record SimRun(List<FlowResult> flows, SimCapture capture) {}

    public SimRun simulate() {
        SimCapture c = SimCapture.run(scenario(), 1);
        return new SimRun(c.results(), c);
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

    /**
     * Per host: the normalised sequence of the simulator's capture at that host, in the order the
     * packets passed (an ICMP redirect before the packet that caused it leaves, as on the wire).
     */
    public Map<String, List<String>> modelSequences(SimRun run) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Host h : scenario().hosts()) {
            out.put(h.name(), PacketSequences.normalise(PacketSequences.fromSimCapture(run.capture().at(h.name())), knownPorts));
        }
        return out;
    }
}
