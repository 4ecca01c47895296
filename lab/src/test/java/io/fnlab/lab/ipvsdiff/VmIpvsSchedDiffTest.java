package io.fnlab.lab.ipvsdiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.ipvsdiff.SchedCase.Conn;
import io.fnlab.lab.ipvsdiff.SchedCase.Dest;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.vm.VmResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every IPVS scheduler on a real kernel against the simulator (one VM boot for all of them): the
 * real server each connection lands on must be the same. The kernel is the judge.
 */
@Tag("vm")
class VmIpvsSchedDiffTest {
    static SchedLab lab;
    static VmResult vm;
    static LabResult result;
    static Map<String, String> kernel;
    static Map<String, String> model;

    /** Added in this order (so the kernel's list reads rs4 rs2 rs5 rs1 rs3). */
    static final List<Dest> MIXED = List.of(new Dest(3, 2), new Dest(1, 4), new Dest(5, 1), new Dest(2, 3), new Dest(4, 5));

    static List<Conn> closed(int n) {
        List<Conn> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(new Conn(1, 0, false));
        return l;
    }

    /** H = held open, C = closed before the next one. */
    static List<Conn> pattern(String p) {
        List<Conn> l = new ArrayList<>();
        for (char c : p.toCharArray()) l.add(new Conn(1, 0, c == 'H'));
        return l;
    }

    /** Three clients, fixed distinct source ports from base (all closed). */
    static List<Conn> hashed(int base, int n) {
        List<Conn> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(new Conn(1 + i % 3, base + i, false));
        return l;
    }

    static List<SchedCase> cases() {
        String counting = "HCHHCHCHHC";
        return List.of(
                new SchedCase("rr", "", MIXED, closed(7)),
                new SchedCase("wrr", "", MIXED, closed(16)),
                // scenarios/sched-wrr.yaml's service: added weights 2, 3, 4
                new SchedCase("wrr", "", List.of(new Dest(3, 2), new Dest(2, 3), new Dest(1, 4)), closed(10)),
                // a weight-0 dest in the middle: the first pass (cw 1) skips it
                new SchedCase("wrr", "", List.of(new Dest(1, 1), new Dest(2, 0), new Dest(3, 3)), closed(6)),
                new SchedCase("lc", "", MIXED, pattern(counting)),
                new SchedCase("wlc", "", MIXED, pattern(counting)),
                new SchedCase("sed", "", MIXED, pattern(counting)),
                new SchedCase("nq", "", MIXED, pattern(counting)),
                new SchedCase("sh", "", MIXED, hashed(20001, 9)),
                new SchedCase("sh", "sh-port", MIXED, hashed(20101, 9)),
                new SchedCase("sh", "sh-fallback,sh-port", List.of(new Dest(1, 1), new Dest(2, 0), new Dest(3, 2)), hashed(20201, 9)),
                new SchedCase("dh", "", MIXED, hashed(20301, 4)),
                new SchedCase("mh", "", MIXED, hashed(20401, 9)),
                new SchedCase("mh", "mh-port", MIXED, hashed(20501, 9)),
                new SchedCase("fo", "", List.of(new Dest(1, 2), new Dest(2, 5), new Dest(3, 3)), closed(3)),
                new SchedCase("ovf", "", List.of(new Dest(1, 2), new Dest(2, 1), new Dest(3, 3)), pattern("HHCHHHHH")),
                new SchedCase("lblc", "", List.of(new Dest(1, 1), new Dest(2, 3), new Dest(3, 2)), pattern("HHCHHHCHH")),
                new SchedCase("lblcr", "", List.of(new Dest(1, 1), new Dest(2, 3), new Dest(3, 2)), pattern("HHCHHHCHH")));
    }

    @BeforeAll
    static void bootOnce() {
        lab = IpvsDiffVm.SCHED;
        result = IpvsDiffVm.results().get(SchedLab.CASE);
        vm = IpvsDiffVm.vm();
        model = lab.simulate();
        kernel = lab.fromLab(result);
        System.out.println(result.text("ipvsadm-Ln.txt"));
        for (int i = 0; i < lab.cases().size(); i++) {
            System.out.println(lab.cases().get(i).label() + ": kernel " + lab.picks(kernel, i) + " model " + lab.picks(model, i));
        }
    }

    @Test
    void theCaseRan() {
        assertEquals(0, vm.exitCode(), vm.console());
        assertEquals(0, result.exitCode(), result.log());
        // every connection of a working scheduler got an answer from some real server
        assertTrue(lab.picks(kernel, 0).stream().allMatch(p -> p.startsWith("rs")), result.log() + kernel);
    }

    /**
     * Disagreements not yet explained, skipped with the evidence rather than hidden. wrr on the 6.1
     * kernel: after ipvsadm -A then -a one by one (weights 2 4 1 3 5), the first pass takes every
     * dest (cw <= 1) although ip_vs_wrr_dest_changed() as read gives cw = 3; mw = 5 afterwards.
     */
    static final Map<String, String> KNOWN = Map.of();

    @TestFactory
    Stream<DynamicTest> everySchedulerPicksAsTheKernelDoes() {
        List<DynamicTest> ts = new ArrayList<>();
        for (int i = 0; i < lab.cases().size(); i++) {
            int k = i;
            SchedCase c = lab.cases().get(i);
            ts.add(DynamicTest.dynamicTest(c.label(), () -> {
                if (KNOWN.containsKey(c.label()) && !lab.picks(kernel, k).equals(lab.picks(model, k))) {
                    Assumptions.abort("known disagreement (" + KNOWN.get(c.label()) + "): kernel " + lab.picks(kernel, k)
                            + " model " + lab.picks(model, k));
                }
                assertEquals(lab.picks(kernel, k), lab.picks(model, k),
                        c.label() + " (kernel first, then model)\n" + result.text("ipvsadm-Ln.txt"));
            }));
        }
        return ts.stream();
    }
}
