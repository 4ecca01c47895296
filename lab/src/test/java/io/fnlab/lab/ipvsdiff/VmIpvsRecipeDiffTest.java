package io.fnlab.lab.ipvsdiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.probe.ProbeEvent;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.sim.net.FlowResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The seed recipes packet for packet, real kernel against simulator, at every host's capture
 * point: seed 002's NAT without SNAT (the client resets the real server's SYN-ACK), with
 * MASQUERADE and vs/conntrack=1 (works), with vs/conntrack=0 (still fails); DR with a shared
 * segment (works) and without one (fails). Same boot as {@link VmIpvsSchedDiffTest}.
 *
 * <p>DR without a shared segment: ip_vs_dr_xmit hands the SYN (still to the VIP) to the router,
 * which sends it back out the interface it came in on; the two bounce it until the TTL runs out
 * at the router, whose ICMP time exceeded makes the client's SYN_SENT socket give up
 * (tcp_v4_err). The router has send_redirects off, as in the scenario: with redirects on, the
 * redirect back-off depends on how long the loop takes (microseconds on a kernel, 1 ms a hop in
 * fnlab); RedirectKernelTest compares redirects themselves with the real kernel.
 */
@Tag("vm")
class VmIpvsRecipeDiffTest {
    static final String SEED002_CLIENT = "ip route add 100.222.111.1 via 1.65.15.141 dev ens32\n";
    static final String SEED002_DIRECTOR = "sysctl -w net.ipv4.ip_forward=1\n"
            + "ip addr add 100.222.111.1/24 dev ens32\n"
            + "ipvsadm -A -t 100.222.111.1:8000 -s rr\n"
            + "ipvsadm -a -t 100.222.111.1:8000 -r 1.65.15.143:80 -m\n"
            + "ipvsadm -a -t 100.222.111.1:8000 -r 1.65.15.144:80 -m\n";
    static final String SEED002_MASQ = "iptables -t nat -A POSTROUTING -m ipvs --vaddr 100.222.111.1 --vport 8000 -j MASQUERADE\n"
            + "iptables -t mangle -A POSTROUTING -m ipvs --vaddr 100.222.111.1 --vport 8000 -j LOG --log-prefix '[k8svip ipvs]'\n";
    static final String DR_RS = "ip addr add 172.16.0.100/32 dev lo\n"
            + "ip route add default via 10.0.0.254\n"
            + "sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2"
            + " net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2\n";
    static final String DR_ROUTER = "sysctl -w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0\n";
    /** As the scenario's router (see modes-dr-no-shared-segment.yaml); redirects themselves are RedirectKernelTest's. */
    static final String DR_ROUTER_NO_REDIRECTS = "sysctl -w net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0\n";
    static final String DR_IPVS = "ipvsadm -A -t 172.16.0.100:80 -s rr\n"
            + "ipvsadm -a -t 172.16.0.100:80 -r 10.0.0.11:80 -g\n"
            + "ipvsadm -a -t 172.16.0.100:80 -r 10.0.0.12:80 -g\n";

    /** Lab case name (the scenario's name) -> recipe; whether its flows should establish. */
    static Map<String, Recipe> recipes() {
        Path dir = scenarios();
        Map<String, Recipe> m = new LinkedHashMap<>();
        Set<Integer> seedPorts = Set.of(8000, 80);
        m.put("seed002-nat-no-snat", new Recipe(dir.resolve("seed002-nat-no-snat.yaml"),
                Map.of("master01", SEED002_CLIENT, "master02", SEED002_DIRECTOR), seedPorts));
        m.put("seed002-nat-masquerade", new Recipe(dir.resolve("seed002-nat-masquerade.yaml"),
                Map.of("master01", SEED002_CLIENT, "master02", SEED002_DIRECTOR + SEED002_MASQ + "sysctl -w net.ipv4.vs.conntrack=1\n"), seedPorts));
        m.put("seed002-nat-conntrack0", new Recipe(dir.resolve("seed002-nat-conntrack0.yaml"),
                Map.of("master01", SEED002_CLIENT, "master02", SEED002_DIRECTOR + SEED002_MASQ + "sysctl -w net.ipv4.vs.conntrack=0\n"), seedPorts));
        m.put("modes-dr", new Recipe(dir.resolve("modes-dr.yaml"),
                Map.of("director", DR_IPVS, "router", DR_ROUTER, "rs1", DR_RS, "rs2", DR_RS), Set.of(80)));
        m.put("modes-dr-no-shared-segment", new Recipe(dir.resolve("modes-dr-no-shared-segment.yaml"),
                Map.of("director", "ip route add 10.0.0.0/24 via 172.16.0.254\n" + DR_IPVS, "router", DR_ROUTER + DR_ROUTER_NO_REDIRECTS,
                        "rs1", DR_RS, "rs2", DR_RS), Set.of(80)));
        return m;
    }

    static final Map<String, Boolean> WORKS = Map.of("seed002-nat-no-snat", false, "seed002-nat-masquerade", true,
            "seed002-nat-conntrack0", false, "modes-dr", true, "modes-dr-no-shared-segment", false);

    static Path scenarios() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("scenarios"))) return p.resolve("scenarios");
        }
        throw new IllegalStateException("no scenarios/ above " + Path.of("").toAbsolutePath());
    }

    static Map<String, LabResult> lab;
    static Map<String, Recipe.SimRun> sim = new LinkedHashMap<>();

    @BeforeAll
    static void run() {
        lab = IpvsDiffVm.results();
        // the raw evidence, for people: every output of every recipe case under target/ipvsdiff/
        lab.forEach((n, r) -> r.outputs().forEach((f, b) -> {
            try {
                Path out = Path.of("target", "ipvsdiff", n, f);
                Files.createDirectories(out.getParent());
                Files.write(out, b);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        IpvsDiffVm.RECIPES.forEach((n, r) -> sim.put(n, r.simulate()));
        IpvsDiffVm.RECIPES.forEach((n, r) -> {
            System.out.println("== " + n);
            Map<String, List<String>> k = r.kernelSequences(lab.get(n)), s = r.modelSequences(sim.get(n));
            k.forEach((h, seq) -> {
                System.out.println("  " + h + " kernel:");
                seq.forEach(x -> System.out.println("    " + x));
                if (!seq.equals(s.get(h))) {
                    System.out.println("  " + h + " model:");
                    s.get(h).forEach(x -> System.out.println("    " + x));
                }
            });
        });
    }

    @TestFactory
    Stream<DynamicTest> flowsEndAsTheRecipeSays() {
        List<DynamicTest> ts = new ArrayList<>();
        IpvsDiffVm.RECIPES.forEach((n, r) -> ts.add(DynamicTest.dynamicTest(n, () -> {
            LabResult l = lab.get(n);
            assertEquals(0, l.exitCode(), l.log());
            boolean works = WORKS.get(n);
            for (FlowResult f : sim.get(n).flows()) {
                List<ProbeEvent> ev = l.flow(f.flow());
                Outcome kernel = ev.isEmpty() ? null : ev.get(0).clientOutcome().orElse(null);
                if (works) {
                    assertEquals(Outcome.ESTABLISHED, kernel, n + " " + f.flow() + " on the kernel: " + l.text("flow-" + f.flow() + ".jsonl"));
                    assertEquals(Outcome.ESTABLISHED, f.outcome(), n + " " + f.flow() + " in the model: " + f.detail());
                } else {
                    assertNotEquals(Outcome.ESTABLISHED, kernel, n + " " + f.flow() + " on the kernel");
                    assertNotEquals(Outcome.ESTABLISHED, f.outcome(), n + " " + f.flow() + " in the model: " + f.detail());
                }
            }
        })));
        return ts.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyCapturePointSeesTheKernelsPackets() {
        List<DynamicTest> ts = new ArrayList<>();
        IpvsDiffVm.RECIPES.forEach((n, r) -> {
            Map<String, List<String>> k = r.kernelSequences(lab.get(n)), s = r.modelSequences(sim.get(n));
            k.forEach((h, seq) -> ts.add(DynamicTest.dynamicTest(n + " @" + h, () -> {
                String kernel = String.join("\n", seq), model = String.join("\n", s.get(h));
                assertEquals(kernel, model, n + " at " + h + " (kernel first, then model)");
            })));
        });
        return ts.stream();
    }
}
