package io.fnlab.lab.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fnlab.lab.compare.SimCapture;
import io.fnlab.lab.ipvsdiff.PacketSequences;
import io.fnlab.lab.netns.NetnsBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ICMP redirects on this machine's kernel against the simulator, packet sequence for packet
 * sequence at every host: a router that forwards a packet out the interface it came in on
 * (send_redirects on and off, all || DEV), a host that takes the redirect and sends the rest of
 * its connection to the better gateway (accept_redirects, shared_media/secure_redirects), and a
 * routing loop between two routers on one segment where the "time exceeded" of the router the
 * TTL runs out on is suppressed because it has just sent the source a redirect (the two share the
 * source's inet_peer), and is sent when that router sends no redirects.
 */
@Tag("kernel")
class RedirectKernelTest {
    @BeforeEach
    void needsTheLab() {
        assumeTrue(NetnsBackend.unavailableReason().isEmpty(), () -> NetnsBackend.unavailableReason().orElse(""));
    }

    static final String[] REDIRECT_KEYS = {"send_redirects", "accept_redirects", "secure_redirects", "shared_media"};

    /** Kernel defaults written out: a namespace inherits the machine's own values. */
    static CaseBuilder.HostB defaults(CaseBuilder.HostB h) {
        h.conf("rp_filter", 0);
        for (String k : REDIRECT_KEYS) h.conf(k, 1);
        return h;
    }

    /**
     * lan 10.0.1.0/24: c1 .2 (default via r1 .1); r1 .1 routes 10.0.2.0/24 via r2 .3 on the same
     * lan; r2 .3 and 10.0.2.1 on back; s1 10.0.2.10 (default via r2). A first flow from r2 to c1
     * leaves r2 in c1's ARP cache, so that c1 can take r1's redirect at once (__ip_do_redirect
     * wants a valid neighbour for the new gateway); then c1 sends s1 two UDP queries. UDP because
     * udp_err hands the redirect to routing (ipv4_redirect) whatever the socket is doing, while
     * tcp_v4_err skips it when the socket is owned by the user: on veth the redirect comes back
     * within the softirq run of c1's own connect(), which still holds the socket lock, so a real
     * kernel here ignores it (the simulator, which has no socket locks, takes it, as a host behind
     * a real NIC would).
     */
    static DiffCase viaSecondRouter(String name, String c1Key, int c1Value, String r1Key, int r1Value) {
        CaseBuilder b = new CaseBuilder(name).segment("lan").segment("back");
        CaseBuilder.HostB c1 = defaults(b.host("c1", "client").eth("eth0", "lan", "10.0.1.2/24").route("default", "10.0.1.1", null, null)
                .sysctl("net.ipv4.ip_forward", 0));
        if (c1Key != null) c1.conf(c1Key, c1Value);
        CaseBuilder.HostB r1 = defaults(b.host("r1", "router").eth("eth0", "lan", "10.0.1.1/24").route("10.0.2.0/24", "10.0.1.3", null, null)
                .sysctl("net.ipv4.ip_forward", 1));
        if (r1Key != null) r1.conf(r1Key, r1Value);
        defaults(b.host("r2", "router").eth("eth0", "lan", "10.0.1.3/24").eth("eth1", "back", "10.0.2.1/24").sysctl("net.ipv4.ip_forward", 1));
        defaults(b.host("s1", "server").eth("eth0", "back", "10.0.2.10/24").route("default", "10.0.2.1", null, null)
                .sysctl("net.ipv4.ip_forward", 0));
        b.server("c1", "tcp", 7, "c1").server("s1", "udp", 53, "s1");
        return b.flow("warm", "r2", "tcp", "10.0.1.2", 7, 0).flow("q1", "c1", "udp", "10.0.2.10", 53, 0)
                .flow("q2", "c1", "udp", "10.0.2.10", 53, 0).build();
    }

    /** c1 sends a datagram to 10.0.9.9, which r1 routes via r2 and r2 via r1, both on c1's lan. */
    static DiffCase loop(String name, boolean r2SendsRedirects) {
        CaseBuilder b = new CaseBuilder(name).segment("lan");
        defaults(b.host("c1", "client").eth("eth0", "lan", "10.0.1.2/24").route("default", "10.0.1.1", null, null)
                .sysctl("net.ipv4.ip_forward", 0));
        defaults(b.host("r1", "router").eth("eth0", "lan", "10.0.1.1/24").route("10.0.9.0/24", "10.0.1.3", null, null)
                .sysctl("net.ipv4.ip_forward", 1));
        CaseBuilder.HostB r2 = defaults(b.host("r2", "router").eth("eth0", "lan", "10.0.1.3/24").route("10.0.9.0/24", "10.0.1.1", null, null)
                .sysctl("net.ipv4.ip_forward", 1));
        if (!r2SendsRedirects) r2.conf("send_redirects", 0);
        return b.flow("dns", "c1", "udp", "10.0.9.9", 53, 0).build();
    }

    /**
     * Per host of each case: the kernel's and the model's normalised packet sequences (FINs left
     * out: which end closes first is the probe's and the model's endpoint timing, not the path);
     * fails listing every difference with the kernel's capture.
     */
    static Map<String, List<String>[]> compareSequences(List<DiffCase> cases, KernelSide.Batch kernel, String... only) {
        List<String> diffs = new ArrayList<>();
        Map<String, List<String>[]> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            DiffCase c = cases.get(i);
            SimCapture sim = SimCapture.run(c.scenario(), BothSides.SEED);
            for (var h : c.scenario().hosts()) {
                if (only.length > 0 && !List.of(only).contains(h.name())) continue;
                byte[] pcap = kernel.lab().outputs().get(KernelSide.hostName(i, h.name()) + ".pcap");
                List<String> k = pcap == null ? List.of("(no capture)")
                        : noFins(PacketSequences.normalise(PacketSequences.fromCapture(pcap), c.constantPorts()));
                List<String> m = noFins(PacketSequences.normalise(PacketSequences.fromSimCapture(sim.at(h.name())), c.constantPorts()));
                @SuppressWarnings({"unchecked", "rawtypes"}) // an array of List<String>: Java has no generic array creation
                List<String>[] pair = new List[] {k, m};
                out.put(c.name() + "@" + h.name(), pair);
                if (!k.equals(m)) diffs.add(c.name() + " at " + h.name() + "\n  kernel:\n    " + String.join("\n    ", k)
                        + "\n  model:\n    " + String.join("\n    ", m) + "\n  kernel capture:\n" + kernel.capture(i, h.name()));
            }
        }
        assertEquals(List.of(), diffs, "packet sequences differ");
        return out;
    }

    static List<String> noFins(List<String> seq) {
        return seq.stream().filter(x -> !x.matches(".*\\[[^\\]]*F[^\\]]*\\].*")).toList();
    }

    static boolean has(List<String> seq, String part) {
        return seq.stream().anyMatch(x -> x.contains(part));
    }

    @Test
    void aRouterRedirectsAHostThatTakesItWhenTheSwitchesAllowIt() {
        DiffCase[] cs = {
            viaSecondRouter("redir-taken", null, 0, null, 0),
            viaSecondRouter("redir-refused", "accept_redirects", 0, null, 0),
            viaSecondRouter("redir-not-sent", null, 0, "send_redirects", 0),
            viaSecondRouter("redir-not-shared", "shared_media", 0, null, 0),
        };
        BothSides.Run r = BothSides.run(true, cs);
        Map<String, List<String>[]> seq = compareSequences(r.cases(), r.kernel());
        String redirect = "ICMP 10.0.1.1 > 10.0.1.2 type 5 code 1";
        String secondQuery = "in  UDP 10.0.1.2:e2 > 10.0.2.10:53"; // at r1 the first query is e1
        for (int side = 0; side < 2; side++) {
            String which = side == 0 ? "kernel " : "model ";
            List<String> taken = seq.get("redir-taken@r1")[side];
            assertTrue(has(taken, "out " + redirect), which + taken);
            assertFalse(has(taken, secondQuery), which + "the second query bypasses r1 once c1 took the redirect: " + taken);
            List<String> refused = seq.get("redir-refused@r1")[side];
            assertTrue(has(refused, "out " + redirect), which + refused);
            assertTrue(has(refused, secondQuery), which + "accept_redirects=0: the second query still goes through r1: " + refused);
            List<String> notSent = seq.get("redir-not-sent@r1")[side];
            assertFalse(has(notSent, redirect), which + notSent);
            assertTrue(has(notSent, secondQuery), which + notSent);
            assertTrue(has(seq.get("redir-not-shared@r1")[side], secondQuery),
                    which + "shared_media=0 with secure_redirects=1: 10.0.1.3 is no gateway of c1's routes, the redirect is ignored");
        }
    }

    @Test
    void aRedirectSuppressesTheTimeExceededOfALoop() {
        // the outcomes are not compared: the probe's UDP socket reports the time exceeded (IP_RECVERR),
        // the simulator's, like a plain connected socket, only hard errors (__udp4_lib_err)
        List<DiffCase> cases = List.of(loop("loop-redirects", true), loop("loop-no-redirects", false));
        // only c1 is compared: tcpdump -i any on the routers drops most of the loop's burst (as in the
        // VM's DR captures), c1 sees a handful of packets and loses none
        Map<String, List<String>[]> seq = compareSequences(cases, new KernelSide(KernelSide.PROBE_TIMEOUT_MS, true).run(cases), "c1");
        for (int side = 0; side < 2; side++) {
            List<String> quiet = seq.get("loop-redirects@c1")[side], loud = seq.get("loop-no-redirects@c1")[side];
            assertFalse(has(quiet, "type 11"), () -> "r2 had just redirected c1: no time exceeded: " + quiet);
            assertTrue(has(quiet, "in  ICMP 10.0.1.3 > 10.0.1.2 type 5 code 1"), quiet::toString);
            assertTrue(has(loud, "in  ICMP 10.0.1.3 > 10.0.1.2 type 11 code 0"), () -> "r2 sends no redirects: time exceeded: " + loud);
        }
    }
}
