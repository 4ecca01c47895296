package io.fnlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    @Test
    void quickRunPrintsEveryFigure() {
        BenchCommand cmd = new BenchCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int rc = new CommandLine(cmd).execute("--quick");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        for (String f : new String[] {"machine:", "ipvs-node.walks-per-second:", "ipvs-node.slices-per-cpu-second: median ",
                "ipvs-node.http.walks-per-second:", "ipvs-node.http.slices-per-cpu-second: median ",
                "iptables-node.slices-per-cpu-second: median ", "all-packets.classes:", "iptables-node.walks-per-second:",
                "lab.connections-per-second:", "kernel-socket-loop.connections-per-second:", "capture.read-packets-per-second:", "tshark.packets-per-second:",
                "memory.max-heap-used-mib:"})
            assertTrue(out.contains(f), "missing " + f + " in:\n" + out);
        // every simulated connection made it to an endpoint and back
        assertTrue(out.contains("(established 2000 of 2000)"), out);
        assertTrue(out.contains("capture.packets: 20000"), out);
        assertTrue(out.contains("(20 slices)"), out);
        // per service 7 source classes (the cluster CIDR via cni0, each of its 5 endpoints as its own hairpin
        // source, the node's LAN via eth0), per ClusterIP 4 classes of other ports (TCP, UDP x the two
        // source classes) and 2 of ICMP echo requests: 100 x 13, none failing (KUBE-IPVS-FILTER rejects the other ports)
        assertTrue(out.contains("all-packets.classes: 1300 in"), out);
        assertTrue(out.contains(", 0 failing"), out);
    }

    @Test
    void unknownWorkloadIsAUserError() {
        BenchCommand cmd = new BenchCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setExecutionExceptionHandler((e, c, p) -> e instanceof UserError ? 2 : 3);
        assertEquals(2, cl.execute("--workload", "nope"));
    }
}
