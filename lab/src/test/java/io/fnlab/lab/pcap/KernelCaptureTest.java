package io.fnlab.lab.pcap;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real traffic between two network namespaces joined by a veth pair, captured four ways while it
 * happens (tcpdump -i any as LINUX_SLL2, tcpdump -i veth0 Ethernet with nanosecond stamps, tcpdump
 * -i any forced to LINUX_SLL v1, dumpcap pcapng over veth0 and any), then read back and checked.
 * tcpdump runs with the lab's -s 2048 -B 4096: with the defaults the ring on -i any holds about 8
 * packets, and a loaded CI machine lost the server's FIN there.
 * Works only inside its own namespaces and deletes them afterwards.
 */
@Tag("kernel")
class KernelCaptureTest {
    @TempDir Path dir;

    @Test
    void realTrafficCapturedFourWays() throws Exception {
        assumeTrue(isRoot(), "needs root to create network namespaces");
        for (String t : new String[] {"ip", "tcpdump", "busybox", "bash"}) assumeTrue(ExternalTools.onPath(t), t + " not installed");
        boolean dumpcap = ExternalTools.onPath("dumpcap");
        long pid = ProcessHandle.current().pid();
        String a = "fnlab-pcap-a-" + pid, b = "fnlab-pcap-b-" + pid;
        List<Process> procs = new ArrayList<>();
        try {
            sh("ip", "netns", "add", a);
            sh("ip", "netns", "add", b);
            sh("ip", "-n", a, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", b);
            sh("ip", "-n", a, "addr", "add", "10.77.0.1/24", "dev", "veth0");
            sh("ip", "-n", b, "addr", "add", "10.77.0.2/24", "dev", "veth1");
            for (String[] nd : new String[][] {{a, "veth0"}, {b, "veth1"}, {a, "lo"}, {b, "lo"}}) sh("ip", "-n", nd[0], "link", "set", nd[1], "up");

            Path any = dir.resolve("any.pcap"), eth = dir.resolve("veth0.pcap"), sll1 = dir.resolve("any-sll1.pcap"), ng = dir.resolve("both.pcapng");
            procs.add(capture(a, "any", "listening on", "tcpdump", "-i", "any", "-U", "--immediate-mode", "-s", "2048", "-B", "4096", "-y", "LINUX_SLL2", "-w", any.toString()));
            procs.add(capture(a, "veth0", "listening on", "tcpdump", "-i", "veth0", "-U", "--immediate-mode", "-s", "2048", "-B", "4096", "--time-stamp-precision", "nano", "-w", eth.toString()));
            procs.add(capture(a, "sll1", "listening on", "tcpdump", "-i", "any", "-U", "--immediate-mode", "-s", "2048", "-B", "4096", "-y", "LINUX_SLL", "-w", sll1.toString()));
            if (dumpcap) procs.add(capture(a, "ng", "Capturing on", "dumpcap", "-q", "-i", "veth0", "-i", "any", "-w", ng.toString()));

            Process server = new ProcessBuilder("ip", "netns", "exec", b, "busybox", "nc", "-l", "-p", "8080")
                    .redirectOutput(dir.resolve("server.out").toFile()).redirectErrorStream(true).start();
            procs.add(server);
            // the listener may need a moment: retry the connect, which is not part of what is checked
            boolean connected = false;
            for (int i = 0; i < 50 && !connected; i++) {
                if (i > 0) Thread.sleep(100);
                connected = ExternalTools.run("ip", "netns", "exec", b, "busybox", "netstat", "-ltn").out().contains(":8080");
            }
            assertTrue(connected, "busybox nc never listened on 8080");
            sh("ip", "netns", "exec", a, "bash", "-c", "exec 3<>/dev/tcp/10.77.0.2/8080; echo hello >&3; exec 3>&-");
            // nc sends its FIN when it exits: wait for that before the last packets, so that on a
            // loaded machine both FINs are in the capture before the port unreachable ends it
            server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            sh("ip", "netns", "exec", a, "busybox", "ping", "-c", "2", "10.77.0.2");
            sh("ip", "netns", "exec", a, "bash", "-c", "echo x > /dev/udp/10.77.0.2/9999");
            // stop the captures only once each tcpdump file holds the port unreachable (the last packet)
            for (Path f : List.of(any, eth, sll1)) awaitUnreachable(f);
            Thread.sleep(300); // dumpcap writes its file at exit; give its ring a moment too
            server.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("hello\n", Files.readString(dir.resolve("server.out")));
            for (Process p : procs) stop(p);

            CaptureStats[] st = new CaptureStats[1];
            List<CapturedPacket> pAny = read(any, st);
            RealTrafficChecks.check("tcpdump -i any -y LINUX_SLL2" + tcpdumpSummary("any"), pAny, st[0], true);
            RealTrafficChecks.check("tcpdump -i veth0 nano" + tcpdumpSummary("veth0"), read(eth, st), st[0], false);
            RealTrafficChecks.check("tcpdump -i any -y LINUX_SLL" + tcpdumpSummary("sll1"), read(sll1, st), st[0], true);
            int vethIndex = Integer.parseInt(ExternalTools.run("ip", "netns", "exec", a, "cat", "/sys/class/net/veth0/ifindex").out().strip());
            assertTrue(pAny.stream().allMatch(x -> x.ifIndex() == vethIndex), "SLL2 interface index is veth0's " + vethIndex);
            if (ExternalTools.onPath("tshark")) {
                RealTrafficChecks.assertTsharkAgrees(any, CaptureStream.readAll(any));
                RealTrafficChecks.assertTsharkAgrees(eth, CaptureStream.readAll(eth));
            }
            if (dumpcap) {
                Map<String, List<CapturedPacket>> byPoint = CaptureStream.readAll(ng).stream().collect(Collectors.groupingBy(CapturedPacket::capturePoint));
                RealTrafficChecks.check("dumpcap veth0", byPoint.get("veth0"), null, false);
                RealTrafficChecks.check("dumpcap any", byPoint.get("any"), null, true);
            }
            // the same traffic seen at the same place: the three tcpdump files agree on every IPv4 header
            List<CapturedPacket> h1 = pAny.stream().map(CapturedPacket::headers).toList();
            assertEquals(h1, read(eth, st).stream().map(CapturedPacket::headers).toList());
            assertEquals(h1, read(sll1, st).stream().map(CapturedPacket::headers).toList());
        } finally {
            for (Process p : procs) if (p.isAlive()) p.destroyForcibly();
            ExternalTools.run("ip", "netns", "del", a);
            ExternalTools.run("ip", "netns", "del", b);
        }
    }

    /** tcpdump's own count at exit ("N packets dropped by kernel"): a missing packet is then told apart from a lost one. */
    private String tcpdumpSummary(String name) throws IOException {
        return " (" + Files.readAllLines(dir.resolve(name + ".err")).stream().filter(l -> l.contains("packets")).collect(Collectors.joining("; ")) + ")";
    }

    private static void awaitUnreachable(Path f) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                if (Files.exists(f) && CaptureStream.readAll(f).stream().anyMatch(p -> p.protocol() == 1 && p.icmpType() == 3)) return;
            } catch (io.fnlab.model.parse.ParseError partial) {
                // tcpdump is mid-write: a record cut short; try again
            }
            Thread.sleep(50);
        }
        fail("no port unreachable in " + f);
    }

    private static List<CapturedPacket> read(Path f, CaptureStats[] st) {
        List<CapturedPacket> out = new ArrayList<>();
        st[0] = CaptureStream.forEach(f, out::add);
        return out;
    }

    /** Starts a capture in the namespace and waits until it says it is listening. */
    private Process capture(String ns, String name, String ready, String... cmd) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(full).redirectError(err.toFile()).redirectOutput(dir.resolve(name + ".out").toFile()).start();
        for (int i = 0; i < 200; i++) {
            if (Files.readString(err).contains(ready)) return p;
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        fail(String.join(" ", cmd) + " did not start: " + Files.readString(err));
        return p;
    }

    /** SIGTERM: tcpdump and dumpcap flush and close the file on it. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        ExternalTools.Result r = ExternalTools.run(cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.out() + r.err());
    }

    private static boolean isRoot() {
        try {
            return ExternalTools.run("id", "-u").out().strip().equals("0");
        } catch (Exception e) {
            return false;
        }
    }
}
