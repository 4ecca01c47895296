package io.fnlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.netns.Exec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("vm")
class VmTimeoutTest {
    @Test
    void aHungJobIsKilledAndReportedAsTimedOut() {
        VmImage.unavailableReason().ifPresent(r -> Assumptions.abort("VM lab unavailable: " + r));
        Assumptions.assumeTrue(Exec.isRoot(), "the VM lab test runs as root");
        long before = qemuCount();
        VmResult r = new VmBackend(VmImage.ensure()).run("echo started; sleep 600", Map.of(), Duration.ofSeconds(30));
        assertTrue(r.timedOut());
        assertEquals(-1, r.exitCode());
        assertTrue(r.console().contains("started"), r.console());
        assertEquals(before, qemuCount(), "qemu left running");
    }

    private static long qemuCount() {
        return ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").contains("qemu")).count();
    }
}
