package io.fnlab.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalkBenchTest {
    @TempDir
    Path dir;

    @Test
    void ipvsNodeHasEveryServiceAndEstablishesEveryConnection() throws Exception {
        KubeWorkloads w = new KubeWorkloads(50, 5, 7);
        Scenario s = w.ipvsScenario(dir);
        Host node = s.hosts().get(0);
        assertEquals(50, node.config().ipvs().services().size());
        assertEquals(50, node.config().ipsets().get("KUBE-CLUSTER-IP").entries().size());
        WalkBench b = new WalkBench(w, s);
        WalkBench.Result r = b.run(200);
        assertEquals(800, r.walks());
        assertEquals(200, r.established(), "every SYN is scheduled, masqueraded and its reply un-NATed");
    }

    @Test
    void httpMixForwardsEveryPacketBothWays() throws Exception {
        KubeWorkloads w = new KubeWorkloads(50, 5, 7);
        WalkBench b = new WalkBench(w, w.ipvsScenario(dir), WalkBench.Mix.HTTP);
        WalkBench.Result r = b.run(200);
        assertEquals(2000, r.walks());
        assertEquals(200, r.established());
        assertEquals(0, b.lost, "request, response and both FINs reach the other side through conntrack, IPVS and NAT");
    }

    @Test
    void iptablesNodeHasKubeProxyChainsAndEstablishesEveryConnection() throws Exception {
        KubeWorkloads w = new KubeWorkloads(40, 5, 7);
        Scenario s = w.iptablesScenario(dir);
        assertTrue(w.iptablesModeSave().contains("-m statistic --mode random --probability 0.20000000000"));
        WalkBench b = new WalkBench(w, s);
        WalkBench.Result r = b.run(200);
        assertEquals(200, r.established());
    }
}
