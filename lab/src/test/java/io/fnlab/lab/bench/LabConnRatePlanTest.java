package io.fnlab.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabScript;
import io.fnlab.sim.bench.KubeWorkloads;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab bench's plan: one probe connection per connection to the workload's ClusterIPs, timed from the client, nothing captured. */
class LabConnRatePlanTest {
    @Test
    void oneProbeConnectPerConnectionBetweenTwoTimestamps() {
        KubeWorkloads w = new KubeWorkloads(10_000, 5, 1);
        LabPlan p = LabConnRate.plan(w, 30);
        List<LabPlan.LabStep> steps = p.steps();
        List<LabPlan.LabStep.Connect> connects = steps.stream().filter(s -> s instanceof LabPlan.LabStep.Connect)
                .map(s -> (LabPlan.LabStep.Connect) s).toList();
        assertEquals(30, connects.size());
        assertTrue(connects.stream().allMatch(c -> c.count() == 1 && c.host().equals("client")));
        // the same services as the simulated node: ClusterIP and port of service k
        assertEquals(KubeWorkloads.str(w.clusterIp(7)), connects.get(7).address());
        assertEquals(w.servicePort(7), connects.get(7).port());
        assertEquals("t0", ((LabPlan.LabStep.Run) steps.get(1)).output());
        assertEquals("t1", ((LabPlan.LabStep.Run) steps.get(steps.size() - 1)).output());
        assertEquals(false, p.capture());
        String sh = LabScript.standalone(p, "fnlab-test", "/tmp/x", "/bin/false");
        // the node gets the services in both kube-proxy modes: IPVS where the kernel has it, iptables otherwise
        assertTrue(sh.contains("ipvsadm-restore"), sh);
        assertTrue(sh.contains("-j DNAT --to-destination " + KubeWorkloads.str(w.endpoint(7, 0)) + ":8080"), sh);
        assertTrue(!sh.contains("tcpdump -Z"), "nothing is captured");
    }
}
