package io.fnlab.lab.ipvsdiff;

import io.fnlab.lab.netns.Exec;
import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.netns.LabScript;
import io.fnlab.lab.vm.VmBackend;
import io.fnlab.lab.vm.VmImage;
import io.fnlab.lab.vm.VmResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The one VM boot every ipvsdiff test class shares: all their lab cases in one job, run the first
 * time a class asks, kept for the rest of the JVM.
 */
final class IpvsDiffVm {
    private IpvsDiffVm() {}

    static final SchedLab SCHED = new SchedLab(VmIpvsSchedDiffTest.cases());
    static final Map<String, Recipe> RECIPES = VmIpvsRecipeDiffTest.recipes();

    private static VmResult vm;
    private static Map<String, LabResult> results;

    static void assumeAvailable() {
        VmImage.unavailableReason().ifPresent(r -> Assumptions.abort("VM lab unavailable: " + r));
        Assumptions.assumeTrue(Exec.isRoot(), "the VM lab test runs as root (apt-get download, as in CI)");
    }

    static synchronized Map<String, LabResult> results() {
        assumeAvailable();
        if (results == null) {
            List<LabPlan> plans = new ArrayList<>();
            plans.add(SCHED.labPlan());
            for (Recipe r : RECIPES.values()) plans.add(r.labPlan());
            long t0 = System.nanoTime();
            vm = new VmBackend(VmImage.ensure()).run(LabScript.vmJob(plans), Map.of(), Duration.ofMinutes(10));
            results = LabResult.fromVm(plans, vm);
            System.out.println("ipvsdiff: one VM boot for " + plans.size() + " lab cases: " + vm.bootMillis()
                    + " ms in the VM, " + (System.nanoTime() - t0) / 1_000_000 + " ms with the image check");
        }
        return results;
    }

    static synchronized VmResult vm() {
        results();
        return vm;
    }
}
