package io.fnlab.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.netns.LabPlan.LabHost;
import io.fnlab.lab.netns.LabPlan.LabIface;
import io.fnlab.lab.netns.LabPlan.LabServer;
import io.fnlab.lab.netns.LabPlan.LabStep;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabScriptTest {
    static LabPlan plan(String name) {
        return new LabPlan(name,
                List.of(new LabHost("a", List.of(new LabIface("eth0", "s1", "10.0.0.1/24")), "echo 'it''s'\n"),
                        new LabHost("b", List.of(new LabIface("eth0", "s1", "10.0.0.2/24"), new LabIface("eth1", "s2")), "")),
                List.of(new LabServer("b", "tcp", 80, "it's ok", null)),
                List.of(new LabStep.Connect("c", "a", "tcp", "10.0.0.2", 80)),
                true);
    }

    @Test
    void everyNamespaceCreatedIsDeletedByTheTrap() {
        String s = LabScript.standalone(plan("x"), "fnlab-t-1", "/tmp/o", "/p");
        for (String ns : List.of("fnlab-t-1-l2", "fnlab-t-1-a", "fnlab-t-1-b")) {
            assertTrue(s.contains("ip netns add " + ns + " "), ns);
            assertTrue(s.contains("ip netns del " + ns + " "), ns);
        }
        assertTrue(s.indexOf("trap 'fnlab_cleanup' EXIT") < s.indexOf("ip netns add"), "trap before the first namespace");
        // one bridge per segment, both in the l2 namespace
        assertEquals(2, s.split("type bridge\n", -1).length - 1);
        assertTrue(s.contains("'it'\\''s ok'"), "server response quoted for sh");
        assertTrue(s.contains("echo 'it''s'\nFNLAB_SETUP_EOF"), "setup passes through verbatim");
    }

    @Test
    void vmJobRunsEachCaseInItsOwnSubshellAndRejectsDuplicates() {
        String j = LabScript.vmJob(List.of(plan("one"), plan("two")));
        assertTrue(j.contains("FNLAB_OUT=/out/one") && j.contains("FNLAB_OUT=/out/two"));
        assertTrue(j.contains("ip netns add fnlab-c0-a") && j.contains("ip netns add fnlab-c1-a"));
        assertThrows(IllegalArgumentException.class, () -> LabScript.vmJob(List.of(plan("one"), plan("one"))));
    }

    @Test
    void lanesRunSideBySideEachInOrderAndTheJobWaitsForAll() {
        String j = LabScript.vmJobLanes(List.of(List.of(plan("one"), plan("two")), List.of(plan("three"))));
        // a lane is one background subshell; its cases run one after another inside it
        assertEquals(2, j.split("\n\\) &\n", -1).length - 1, j);
        assertTrue(j.indexOf("FNLAB-CASE-END one") < j.indexOf("FNLAB-CASE-BEGIN two"), "lane order kept");
        assertTrue(j.indexOf("FNLAB-CASE-END two") < j.indexOf(") &\n"), "two in the first lane");
        assertTrue(j.strip().endsWith("wait"), "the job ends only when every lane has");
        // namespace prefixes stay distinct across lanes
        assertTrue(j.contains("fnlab-c0-a") && j.contains("fnlab-c1-a") && j.contains("fnlab-c2-a"));
        assertThrows(IllegalArgumentException.class, () -> LabScript.vmJobLanes(List.of(List.of(plan("one")), List.of(plan("one")))));
        // one lane is the plain sequential job
        assertEquals(LabScript.vmJob(List.of(plan("one"), plan("two"))), LabScript.vmJobLanes(List.of(List.of(plan("one"), plan("two")), List.of())));
        assertTrue(!LabScript.vmJob(List.of(plan("one"))).contains("wait\n"));
    }

    @Test
    void everyCaptureHasARingThatHoldsABurst() {
        // -i any: libpcap sizes ring frames by the snaplen, so both must be set (see LabScript.TCPDUMP)
        String s = LabScript.standalone(plan("x"), "fnlab-t-1", "/tmp/o", "/p");
        assertEquals(2, s.split(" tcpdump -Z root -U --immediate-mode -s 2048 -B 4096 -n -i any -w ", -1).length - 1, s);
    }

    @Test
    void badNamesAreRejectedBeforeAnyShellIsWritten() {
        assertThrows(IllegalArgumentException.class, () -> plan("Bad Name"));
        assertThrows(IllegalArgumentException.class, () -> new LabPlan("x",
                List.of(new LabHost("a", List.of(new LabIface("averyveryverylongname", "s")), "")), List.of(), List.of(), false));
        assertThrows(IllegalArgumentException.class, () -> new LabPlan("x", List.of(), List.of(),
                List.of(new LabStep.Connect("c", "ghost", "tcp", "1.2.3.4", 1)), false));
    }
}
