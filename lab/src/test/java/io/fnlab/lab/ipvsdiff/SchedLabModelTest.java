package io.fnlab.lab.ipvsdiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.ipvsdiff.SchedCase.Conn;
import io.fnlab.lab.ipvsdiff.SchedCase.Dest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No VM: the simulator side of the scheduler diff against picks a 6.1 kernel made in
 * VmIpvsSchedDiffTest (recorded here, so a model regression shows without booting).
 */
class SchedLabModelTest {
    @Test
    void wrrAfterOneByOneAddsPicksAsThe61KernelDid() {
        SchedLab lab = new SchedLab(List.of(
                new SchedCase("wrr", "", VmIpvsSchedDiffTest.MIXED, VmIpvsSchedDiffTest.closed(16)),
                new SchedCase("wrr", "", List.of(new Dest(3, 2), new Dest(2, 3), new Dest(1, 4)), VmIpvsSchedDiffTest.closed(10)),
                new SchedCase("wrr", "", List.of(new Dest(1, 1), new Dest(2, 0), new Dest(3, 3)), VmIpvsSchedDiffTest.closed(6)),
                new SchedCase("dh", "", VmIpvsSchedDiffTest.MIXED, VmIpvsSchedDiffTest.hashed(20301, 2))));
        Map<String, String> m = lab.simulate();
        assertEquals(List.of("rs4", "rs2", "rs5", "rs1", "rs3", "rs4", "rs4", "rs1", "rs4", "rs2", "rs1", "rs4", "rs2", "rs1",
                "rs3", "rs4"), lab.picks(m, 0));
        assertEquals(List.of("rs1", "rs2", "rs3", "rs1", "rs1", "rs2", "rs1", "rs2", "rs3", "rs1"), lab.picks(m, 1));
        assertEquals(List.of("rs3", "rs1", "rs3", "rs3", "rs3", "rs1"), lab.picks(m, 2));
        assertEquals(List.of("rs3", "rs3"), lab.picks(m, 3));
    }

    @Test
    void theLabPlanHoldsWhatMustStayActiveAndNamesEveryConnection() {
        SchedLab lab = new SchedLab(List.of(new SchedCase("lc", "", List.of(new Dest(1, 1), new Dest(2, 1)),
                List.of(new Conn(1, 0, true), new Conn(2, 30001, false)))));
        String script = io.fnlab.lab.netns.LabScript.vmJob(List.of(lab.labPlan()));
        assertTrue(script.contains("fnlab-probe connect tcp 172.16.0.100 8001 --request s1c1 --timeout 1500 --hold"), script);
        assertTrue(script.contains("fnlab-probe connect tcp 172.16.0.100 8001 --sport 30001 --request s1c2 --timeout 1500' > \"$FNLAB_OUT/flow-s1c2.jsonl"), script);
        assertTrue(script.contains("ipvsadm -a -t 172.16.0.100:8001 -r 10.0.0.12:80 -m -w 1"), script);
        String yaml = lab.scenarioYaml();
        assertTrue(yaml.contains("{id: s1c1, from: client1, to: 172.16.0.100:8001, request: s1c1, close: false, start: 0ms}"), yaml);
        assertTrue(yaml.contains("sport: 30001, close: true, start: 100ms}"), yaml);
    }
}
