package io.fnlab.cli;

import io.fnlab.lab.bench.KernelConnRate;
import io.fnlab.lab.bench.LabConnRate;
import io.fnlab.lab.bench.PcapBench;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.verify.allpackets.AllPackets;
import io.fnlab.sim.bench.KubeWorkloads;
import io.fnlab.sim.bench.WalkBench;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * fnlab bench: packet walks per second through simulated kube-proxy nodes (IPVS and iptables
 * mode), the real kernel's connection rate for comparison, and capture reading against tshark.
 * Figures go to standard output, one "name: value" line each; progress only on a terminal.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the simulator and the capture reader on kube-proxy-sized workloads and prints "
                + "figures and ratios (walks/s on one thread, kernel connections/s in network namespaces when root, "
                + "capture packets/s against tshark, max heap used)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--services", defaultValue = "10000", description = "services of the IPVS-mode node (default ${DEFAULT-VALUE})")
    int services;

    @Option(names = "--iptables-services", defaultValue = "3500",
            description = "services of the iptables-mode node (default ${DEFAULT-VALUE}, about 60,000 rules with 5 endpoints)")
    int iptablesServices;

    @Option(names = "--endpoints", defaultValue = "5", description = "endpoints per service (default ${DEFAULT-VALUE})")
    int endpoints;

    @Option(names = "--connections", defaultValue = "300000", description = "measured connections per node, 4 walks each (10 in the IPVS node's http mix) (default ${DEFAULT-VALUE})")
    long connections;

    @Option(names = "--packets", defaultValue = "2000000", description = "packets in the capture (default ${DEFAULT-VALUE})")
    long packets;

    @Option(names = "--kernel-seconds", defaultValue = "5", description = "how long to measure the real kernel (default ${DEFAULT-VALUE})")
    double kernelSeconds;

    @Option(names = "--lab-connections", defaultValue = "500",
            description = "connections the netns lab establishes, one fnlab-probe each as lab run does (default ${DEFAULT-VALUE})")
    int labConnections;

    @Option(names = "--workload", defaultValue = "all", description = "all, ipvs, iptables, kernel or pcap (kernel: the lab and the socket loop)")
    String workload;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the generated workloads")
    long seed;

    @Option(names = "--quick", description = "small sizes for a smoke run (100 services, 2,000 connections, 20,000 packets, 1 s of kernel)")
    boolean quick;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (!java.util.Set.of("all", "ipvs", "iptables", "kernel", "pcap").contains(workload))
            throw new UserError("--workload must be all, ipvs, iptables, kernel or pcap, not '" + workload + "'");
        if (quick) {
            services = Math.min(services, 100);
            iptablesServices = Math.min(iptablesServices, 100);
            connections = Math.min(connections, 2_000);
            packets = Math.min(packets, 20_000);
            kernelSeconds = Math.min(kernelSeconds, 1);
            labConnections = Math.min(labConnections, 20);
        }
        if (services < 1 || iptablesServices < 1 || connections < 1 || packets < 10 || endpoints < 1 || labConnections < 1)
            throw new UserError("--services, --iptables-services, --endpoints, --connections, --lab-connections must be positive and --packets at least 10");
        out.printf(Locale.ROOT, "machine: %d cpus, load average %.2f, java %s, max heap %d MiB%n",
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        double ipvsConnRate = Double.NaN;
        if (all() || workload.equals("ipvs")) {
            KubeWorkloads w = new KubeWorkloads(services, endpoints, seed);
            long t0 = System.nanoTime();
            Scenario s = w.ipvsScenario(tempDir());
            deleteTemp();
            WalkBench b = new WalkBench(w, s);
            out.printf(Locale.ROOT, "ipvs-node.services: %d x %d endpoints (built in %.1f s)%n", services, endpoints, secs(t0));
            WalkBench.Result r = walk(b, "ipvs-mode walks", "ipvs-node");
            out.printf(Locale.ROOT, "ipvs-node.walks-per-second: %.0f (%.0f per CPU second of the walking thread; "
                    + "4 packets per connection: SYN, SYN-ACK, ACK, RST)%n", r.walksPerSecond(), r.walksPerCpuSecond());
            out.printf(Locale.ROOT, "ipvs-node.connections-per-second: %.0f (established %d of %d)%n", r.connectionsPerSecond(),
                    r.established(), r.connections());
            ipvsConnRate = r.connectionsPerSecond();
            // the same node with the packets most of a director's traffic is: established flows
            WalkBench bh = new WalkBench(w, s, WalkBench.Mix.HTTP);
            WalkBench.Result rh = walk(bh, "ipvs-mode walks, http mix", "ipvs-node.http");
            out.printf(Locale.ROOT, "ipvs-node.http.walks-per-second: %.0f (%.0f per CPU second of the walking thread; "
                    + "10 packets per connection: handshake, request, response, both FINs)%n", rh.walksPerSecond(), rh.walksPerCpuSecond());
            Host node = s.hosts().stream().filter(h -> h.name().equals("node")).findFirst().orElseThrow();
            AllPackets.Report ap = AllPackets.verify(node);
            out.printf(Locale.ROOT, "all-packets.classes: %d in %.2f s (%.2f s CPU), %d failing%n", ap.classes(), ap.nanos() / 1e9,
                    ap.cpuNanos() / 1e9,
                    ap.failingClasses());
        }
        if (all() || workload.equals("iptables")) {
            KubeWorkloads w = new KubeWorkloads(iptablesServices, endpoints, seed);
            long t0 = System.nanoTime();
            Scenario s = w.iptablesScenario(tempDir());
            deleteTemp();
            WalkBench b = new WalkBench(w, s);
            out.printf(Locale.ROOT, "iptables-node.rules: %d (%d services x %d endpoints, built in %.1f s)%n", w.iptablesModeRuleCount(),
                    iptablesServices, endpoints, secs(t0));
            WalkBench.Result r = walk(b, "iptables-mode walks", "iptables-node");
            out.printf(Locale.ROOT, "iptables-node.walks-per-second: %.0f (%.0f per CPU second of the walking thread)%n",
                    r.walksPerSecond(), r.walksPerCpuSecond());
            out.printf(Locale.ROOT, "iptables-node.connections-per-second: %.0f (established %d of %d)%n", r.connectionsPerSecond(),
                    r.established(), r.connections());
        }
        if (all() || workload.equals("kernel")) {
            // the measure: fnlab's own lab establishing the IPVS node's connections in namespaces
            String why = LabConnRate.unavailable();
            if (why != null) {
                out.println("lab.connections-per-second: skipped (" + why + ")");
            } else {
                try {
                    LabConnRate.Result l = LabConnRate.measure(new KubeWorkloads(services, endpoints, seed), labConnections);
                    out.printf(Locale.ROOT, "lab.connections-per-second: %.0f (%d of %d established in %.1f s; the netns lab as lab run "
                                    + "drives it: one fnlab-probe connect per connection, %s, no capture)%n",
                            l.perSecond(), l.established(), l.connections(), l.seconds(), l.path());
                    if (!Double.isNaN(ipvsConnRate))
                        out.printf(Locale.ROOT, "ratio.simulated-to-lab-connections: %.1fx%n", ipvsConnRate / l.perSecond());
                } catch (IllegalStateException e) {
                    out.println("lab.connections-per-second: skipped (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
            }
            // the raw kernel: one Python process connecting and resetting in a loop, no lab around it
            why = KernelConnRate.unavailable();
            if (why != null) {
                out.println("kernel-socket-loop.connections-per-second: skipped (" + why + ")");
            } else {
                try {
                    KernelConnRate.Result k = KernelConnRate.measure(kernelSeconds);
                    out.printf(Locale.ROOT, "kernel-socket-loop.connections-per-second: %.0f (%d in %.1f s, a Python connect/RST loop, "
                                    + "%s in network namespaces)%n", k.perSecond(), k.connections(), k.seconds(), k.path());
                    if (!Double.isNaN(ipvsConnRate))
                        out.printf(Locale.ROOT, "ratio.simulated-to-kernel-socket-loop: %.1fx%n", ipvsConnRate / k.perSecond());
                } catch (IllegalStateException e) {
                    out.println("kernel-socket-loop.connections-per-second: skipped (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
            }
        }
        if (all() || workload.equals("pcap")) {
            Path f = Files.createTempFile("fnlab-bench", ".pcap");
            try {
                long written;
                try (Progress p = new Progress("writing capture", packets)) {
                    written = PcapBench.writeCapture(f, packets, seed, p::update);
                }
                out.printf(Locale.ROOT, "capture.packets: %d (%d MiB, fullnat director, both sides)%n", written, Files.size(f) >> 20);
                PcapBench.read(f); // warm-up
                PcapBench.ReadResult r = PcapBench.read(f);
                out.printf(Locale.ROOT, "capture.read-packets-per-second: %.0f%n", r.packetsPerSecond());
                PcapBench.ReadResult t = PcapBench.tshark(f, Duration.ofMinutes(30));
                if (t == null) {
                    out.println("tshark.packets-per-second: skipped (tshark is not installed)");
                } else {
                    out.printf(Locale.ROOT, "tshark.packets-per-second: %.0f (%d lines)%n", t.packetsPerSecond(), t.packets());
                    out.printf(Locale.ROOT, "ratio.capture-read-to-tshark: %.1fx%n", r.packetsPerSecond() / t.packetsPerSecond());
                }
            } finally {
                Files.deleteIfExists(f);
            }
        }
        out.printf(Locale.ROOT, "memory.max-heap-used-mib: %d%n", maxHeapUsed() >> 20);
        return ExitCodes.OK;
    }

    /** A fresh directory for a generated scenario; {@link #deleteTemp()} removes it. */
    private Path tempDir() throws java.io.IOException {
        Path d = Files.createTempDirectory("fnlab-bench");
        temps.add(d);
        return d;
    }

    private final java.util.List<Path> temps = new java.util.ArrayList<>();

    private void deleteTemp() throws java.io.IOException {
        for (Path d : temps) {
            try (var s = Files.list(d)) {
                for (Path f : s.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(d);
        }
        temps.clear();
    }

    private boolean all() {
        return workload.equals("all");
    }

    /**
     * Warm-up (two thirds of the measured count, at least 1,000), then the measured run in 20
     * slices (for progress, and for the spread: on a shared machine the rate of a slice can halve
     * while a neighbour works, so the median and fastest slice are printed beside the whole run).
     */
    private WalkBench.Result walk(WalkBench b, String what, String name) {
        // warm-up: the JIT settles after about 200,000 connections on this workload (per-slice rates
        // climb until then); the figures are for the steady state that follows
        b.run(Math.max(1_000, connections * 2 / 3));
        long walks = 0, conns = 0, est = 0, nanos = 0, cpu = 0;
        long slice = Math.max(1, connections / 20);
        List<Double> rates = new ArrayList<>();
        try (Progress p = new Progress(what, connections * b.mix().packets)) {
            while (conns < connections) {
                WalkBench.Result r = b.run(Math.min(slice, connections - conns));
                rates.add(r.walksPerCpuSecond());
                walks += r.walks();
                conns += r.connections();
                est += r.established();
                nanos += r.nanos();
                cpu += r.cpuNanos();
                p.update(walks);
            }
        }
        Collections.sort(rates);
        out.printf(Locale.ROOT, "%s.slices-per-cpu-second: median %.0f, fastest %.0f, slowest %.0f (%d slices)%n", name,
                rates.get(rates.size() / 2), rates.get(rates.size() - 1), rates.get(0), rates.size());
        return new WalkBench.Result(walks, conns, est, nanos, cpu);
    }

    /** The peak heap use over every heap pool (young and old peaks summed: an upper bound). */
    private static long maxHeapUsed() {
        long sum = 0;
        for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans())
            if (m.getType() == MemoryType.HEAP && m.getPeakUsage() != null) sum += m.getPeakUsage().getUsed();
        return sum;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
