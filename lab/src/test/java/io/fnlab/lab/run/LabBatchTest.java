package io.fnlab.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.compare.CompareReport;
import io.fnlab.lab.compare.Comparison;
import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabBatchTest {
    static LabPlan plan(String name) {
        return new LabPlan(name, List.of(), List.of(), List.of(), true);
    }

    /**
     * A case lasts until its latest flow has ended, not the sum of its flows: the lab runs each at
     * its start, side by side. sched-wrr: nine one-connection flows a second apart, the last at 8 s;
     * kube-ipvs-node: six flows, the last at 5 s (refused at once), where the sum of the
     * connections would give 6 s and the sum of the starts 15 s.
     */
    @Test
    void aCaseIsEstimatedUntilItsLatestFlowEnds() {
        var wrr = io.fnlab.lab.compare.SimCapture.run(io.fnlab.model.format.scenario.ScenarioReader.read(Path.of("../scenarios/sched-wrr.yaml")), 1);
        assertEquals(6_000 + 8_000 + 1_000, LabBatch.estimateMillis(wrr));
        var kube = io.fnlab.lab.compare.SimCapture.run(io.fnlab.model.format.scenario.ScenarioReader.read(Path.of("../scenarios/kube-ipvs-node.yaml")), 1);
        assertEquals(6_000 + 5_000 + 1_000, LabBatch.estimateMillis(kube));
    }

    @Test
    void longCasesGoToDifferentLanesAndEachLaneKeepsTheGivenOrder() {
        List<LabPlan> plans = List.of(plan("a"), plan("b"), plan("c"), plan("d"), plan("e"));
        Map<String, Long> est = Map.of("a", 16_000L, "b", 6_000L, "c", 16_000L, "d", 7_000L, "e", 8_000L);
        List<List<LabPlan>> lanes = LabBatch.lanes(plans, est, 2);
        assertEquals(2, lanes.size());
        // the two timeouts overlap; the short ones fill in: 16+7 and 16+8+6 or alike, never 16+16
        for (List<LabPlan> l : lanes) {
            List<String> names = l.stream().map(LabPlan::name).toList();
            assertFalse(names.contains("a") && names.contains("c"), names.toString());
            assertEquals(names.stream().sorted().toList(), names, "given order within a lane");
        }
        assertEquals(5, lanes.stream().mapToInt(List::size).sum());
        // more lanes than cases: one case each, no empty lanes
        assertEquals(2, LabBatch.lanes(plans.subList(0, 2), est, 4).size());
        assertEquals(1, LabBatch.lanes(plans, est, 1).size());
    }

    @Test
    void namesComeFromTheFileAndTwoFilesCannotShareOne() {
        assertEquals("seed000-fullnat", LabBatch.nameOf(Path.of("scenarios/seed000-fullnat.yaml")));
        assertEquals("my-test-1", LabBatch.nameOf(Path.of("/x/My Test.1.yml")));
        assertEquals(31, LabBatch.nameOf(Path.of("a".repeat(40) + ".yaml")).length());
        List<LabBatch.Item> ok = List.of(new LabBatch.Item(null, Path.of("a/x.yaml"), "x"), new LabBatch.Item(null, Path.of("a/y.yaml"), "y"));
        assertNull(LabBatch.clash(ok));
        String clash = LabBatch.clash(List.of(new LabBatch.Item(null, Path.of("a/x.yaml"), "x"), new LabBatch.Item(null, Path.of("b/x.yaml"), "x")));
        assertTrue(clash.contains("a/x.yaml") && clash.contains("b/x.yaml"), clash);
    }

    static LabRun.Result result(int labExit, Map<String, Path> captures, List<String> notCaptured, Map<String, Long> drops) {
        CompareReport rep = new CompareReport("s", false, List.<Comparison.PointStats>of(), List.of(), 0, notCaptured);
        return new LabRun.Result(LabRun.Backend.VM, Path.of("/o/s"), captures, "6.1", new LabResult("s", labExit, "", Map.of()), rep,
                Map.of(), "", drops);
    }

    @Test
    void aCaseThatDidNotRunNeverCountsAsAgreeing() {
        Map<String, Path> caps = Map.of("h", Path.of("/o/s/h.pcap"));
        LabRun.Result good = result(0, caps, List.of(), Map.of("h", 0L));
        assertTrue(good.agrees());
        // an empty comparison has no differences: the verdict must still not be "agree"
        assertFalse(result(-1, caps, List.of(), Map.of()).agrees(), "killed by the VM's timeout");
        assertFalse(result(0, Map.of(), List.of(), Map.of()).agrees(), "no capture at all");
        assertFalse(result(0, caps, List.of("h2"), Map.of()).agrees(), "a host without a capture");
        LabBatch.Summary sum = new LabBatch.Summary(Path.of("/o"), List.of(
                new LabBatch.Result(new LabBatch.Item(null, Path.of("s.yaml"), "s"), good),
                new LabBatch.Result(new LabBatch.Item(null, Path.of("t.yaml"), "t"), result(-1, Map.of(), List.of(), Map.of("h", 3L)))), 0);
        assertFalse(sum.allAgree());
        String t = sum.text();
        assertTrue(t.lines().anyMatch(l -> l.matches("s +vm +agree +0")), t);
        assertTrue(t.lines().anyMatch(l -> l.matches("t +vm +lab failed \\(case exit -1\\) +3")), t);
        assertTrue(t.contains("1 of 2 scenarios agree"), t);
        assertTrue(sum.json().contains("\"agrees\" : false"), sum.json());
    }
}
