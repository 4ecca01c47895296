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

    static LabStep.Connect flow(String id, int sport, int count, long startMs) {
        return new LabStep.Connect(id, "a", "tcp", "10.0.0.2", 80, sport, "GET", 2000, count, startMs);
    }

    static LabPlan timed(List<LabStep> steps) {
        LabPlan p = plan("x");
        return new LabPlan("x", p.hosts(), p.servers(), steps, true);
    }

    @Test
    void eachFlowStartsAtItsOffsetFromTheMomentTheTrafficBegins() {
        String s = LabScript.standalone(timed(List.of(flow("first", 0, 1, 0), flow("late", 0, 1, 3000))), "fnlab-t-1", "/tmp/o", "/p");
        int t0 = s.indexOf("FNLAB_T0=$FNLAB_MS");
        // the clock starts once every capture and server is listening
        assertTrue(t0 > s.lastIndexOf("fnlab_wait_for \"$FNLAB_OUT/server-b-tcp-80.jsonl\" listening"), s);
        assertTrue(t0 > s.lastIndexOf("fnlab_wait_for \"$FNLAB_OUT/b.tcpdump.log\" listening"), s);
        assertTrue(s.indexOf("( fnlab_at 0\n  ip netns exec fnlab-t-1-a \"$PROBE\" connect tcp '10.0.0.2' 80 --request 'GET'"
                + " --timeout 2000 --count 1 >> \"$FNLAB_OUT/flow-first.jsonl\" 2>&1 ) &\n") > t0, s);
        assertTrue(s.indexOf("( fnlab_at 3000\n") > t0, s);
        assertTrue(s.contains("read fnlab_up fnlab_idle < /proc/uptime"), "the clock is the kernel's uptime");
    }

    @Test
    void flowsRunSideBySideAndTheCapturesStopOnlyAfterTheLastHasEnded() {
        String s = LabScript.standalone(timed(List.of(flow("one", 0, 1, 0), flow("two", 0, 1, 1000), flow("three", 0, 1, 0))),
                "fnlab-t-1", "/tmp/o", "/p");
        // all three go to the background before anything waits for them
        assertEquals(3, s.split("\\) &\nFNLAB_FLOWS=\"\\$FNLAB_FLOWS \\$!\"\n", -1).length - 1, s);
        int wait = s.indexOf(LabScript.WAIT_FLOWS);
        assertTrue(wait > s.indexOf("flow-three.jsonl"), s);
        assertEquals(wait, s.lastIndexOf(LabScript.WAIT_FLOWS), "one wait for the lot");
        assertTrue(wait < s.indexOf("sleep 0.3\nexit 0"), "the captures run until every flow has ended");
        // a signal stops the flows still sleeping before their namespaces go
        int cleanup = s.indexOf("fnlab_cleanup() {");
        assertTrue(s.indexOf("for p in $FNLAB_FLOWS; do kill -TERM", cleanup) < s.indexOf("ip netns del", cleanup), s);
    }

    @Test
    void repeatsFollowEachOtherAsTheSimulatorsDoWithTheNextSourcePort() {
        String s = LabScript.traffic(List.of(flow("r", 40000, 3, 500)), "fnlab-t-1");
        // Network.startConnection: the next connection 100 ms after the previous one ended
        assertTrue(s.contains("( fnlab_at 500\n  k=0\n  while [ $k -lt 3 ]; do\n    [ $k -eq 0 ] || sleep 0.1\n"
                + "    ip netns exec fnlab-t-1-a \"$PROBE\" connect tcp '10.0.0.2' 80 --sport $((40000 + k)) --request 'GET' --timeout 2000"
                + " --count 1 >> \"$FNLAB_OUT/flow-r.jsonl\" 2>&1\n    k=$((k + 1))\n  done ) &\n"), s);
    }

    @Test
    void anUntimedStepRunsAfterTheFlowsBeforeItAndPlansWithoutTimesAreUnchanged() {
        String s = LabScript.traffic(List.of(flow("one", 0, 1, 0), new LabStep.Run("a", "ipvsadm -Lnc", "conns.txt"),
                flow("two", 0, 1, 2000)), "fnlab-t-1");
        int run = s.indexOf("sh -c 'ipvsadm -Lnc'");
        assertTrue(s.indexOf(LabScript.WAIT_FLOWS) < run && s.indexOf("flow-one") < s.indexOf(LabScript.WAIT_FLOWS), s);
        assertTrue(s.indexOf("( fnlab_at 2000") > run, s);
        assertTrue(s.endsWith(LabScript.WAIT_FLOWS), s);
        // steps without a start (benchmarks, recipes, tests) run one after another as before: no clock, no background
        String plain = LabScript.standalone(plan("x"), "fnlab-t-1", "/tmp/o", "/p");
        assertTrue(!plain.contains("fnlab_at") && !plain.contains("FNLAB_FLOWS"), plain);
        assertTrue(plain.contains("ip netns exec fnlab-t-1-a \"$PROBE\" connect tcp '10.0.0.2' 80 --request 'hello' --timeout 2000"
                + " --count 1 >> \"$FNLAB_OUT/flow-c.jsonl\" 2>&1\n"), plain);
        assertEquals(flow("one", 0, 1, LabStep.Connect.AFTER_PREVIOUS), flow("one", 0, 1, 0).inSequence());
        assertThrows(IllegalArgumentException.class, () -> flow("neg", 0, 1, -5));
    }

    /**
     * Runs the generated traffic in dash and busybox sh with "ip" as a function that logs when each
     * connection begins and ends (each lasts 1.2 s): the flow at 200 ms begins while the one at 0
     * is still open, a repeat begins at least 100 ms after the previous connection ended, no flow
     * begins before its start, and the text returns only after every connection has ended.
     */
    @Test
    void theGeneratedTrafficKeepsItsTimesInDashAndBusybox() throws Exception {
        String traffic = LabScript.traffic(List.of(flow("long", 0, 2, 0), flow("overlap", 0, 1, 200), flow("later", 0, 1, 600)), "fnlab-t-1");
        for (List<String> shell : List.of(List.of("dash"), List.of("busybox", "sh"))) {
            if (!onPath(shell.get(0))) continue;
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fnlab-labscript-");
            try {
                String script = "FNLAB_OUT=" + LabScript.q(dir.toString()) + "\nFNLAB_FLOWS=\"\"\n" + LabScript.CLOCK
                        + "ip() {\n  fnlab_ms\n"
                        + "  echo \"begin $((FNLAB_MS - FNLAB_T0))\"\n  sleep 1.2\n  fnlab_ms; echo \"end $((FNLAB_MS - FNLAB_T0))\"\n}\n"
                        + traffic + "fnlab_ms\necho \"done $((FNLAB_MS - FNLAB_T0))\"\n";
                List<String> cmd = new java.util.ArrayList<>(shell);
                cmd.addAll(List.of("-c", script));
                Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(pr.getInputStream().readAllBytes());
                assertEquals(0, pr.waitFor(), shell + ": " + out);
                long done = Long.parseLong(out.strip().replaceAll("(?s).*done ", ""));
                long[] longs = times(dir.resolve("flow-long.jsonl"));
                long[] overlap = times(dir.resolve("flow-overlap.jsonl"));
                long[] later = times(dir.resolve("flow-later.jsonl"));
                String ctx = shell + ": long " + java.util.Arrays.toString(longs) + " overlap " + java.util.Arrays.toString(overlap)
                        + " later " + java.util.Arrays.toString(later) + " done " + done;
                assertEquals(4, longs.length, ctx);
                assertTrue(overlap[0] >= 200 && overlap[0] < longs[1], "the flow at 200 ms runs beside the first: " + ctx);
                assertTrue(later[0] >= 600, ctx);
                assertTrue(longs[2] >= longs[1] + 100, "the repeat follows 100 ms after: " + ctx);
                assertTrue(done >= longs[3] && done >= overlap[1] && done >= later[1], "waited for all: " + ctx);
            } finally {
                Exec.deleteTree(dir);
            }
        }
    }

    private static long[] times(java.nio.file.Path log) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(log).stream().mapToLong(l -> Long.parseLong(l.replaceAll("\\D+", ""))).toArray();
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, tool))) return true;
        }
        return false;
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
