package io.fnlab.lab.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fnlab.lab.netns.NetnsBackend;
import io.fnlab.model.scenario.Outcome;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Behaviour seen on real kernels (docs: kernel-reference.md), each run in the simulator and in
 * namespaces: both must agree with each other ({@link BothSides}) and with what the kernel is
 * known to do. Every case comes with a control that differs in the one setting that matters.
 */
@Tag("kernel")
class NamedCasesKernelTest {
    @BeforeEach
    void needsTheLab() {
        assumeTrue(NetnsBackend.unavailableReason().isEmpty(), () -> NetnsBackend.unavailableReason().orElse(""));
    }

    /** c1 10.0.1.2 -- front -- r 10.0.1.1 / 10.0.2.1 -- back -- s1 10.0.2.10 (tcp 8080). */
    static CaseBuilder base(String name) {
        CaseBuilder b = new CaseBuilder(name).segment("front").segment("back");
        b.host("c1", "client").eth("eth0", "front", "10.0.1.2/24").route("default", "10.0.1.1", null, null)
                .sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", 0);
        b.server("s1", "tcp", 8080, "s1");
        return b;
    }

    static CaseBuilder.HostB server(CaseBuilder b, boolean routeBack) {
        CaseBuilder.HostB s = b.host("s1", "server").eth("eth0", "back", "10.0.2.10/24");
        if (routeBack) s.route("default", "10.0.2.1", null, null);
        return s.sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", 0);
    }

    static final String FILTER_ACCEPT = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
    static final String NAT_HEAD = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n";

    /**
     * DNAT, REDIRECT, SNAT and MASQUERADE are terminal in the nat table: a MARK placed after the
     * DNAT in nat PREROUTING never runs, so the MASQUERADE that matches the mark never happens
     * and the server sees the client's own address. Control: the MARK before the DNAT.
     */
    @Test
    void aMarkAfterDnatNeverMarksSoItsMasqueradeNeverHappens() {
        DiffCase[] cs = new DiffCase[2];
        for (int i = 0; i < 2; i++) {
            String mark = "-A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x4000/0x4000\n";
            String dnat = "-A PREROUTING -d 10.0.1.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.2.10:8080\n";
            CaseBuilder b = base(i == 0 ? "mark-after-dnat" : "mark-before-dnat");
            b.host("r", "router").eth("eth0", "front", "10.0.1.1/24").eth("eth1", "back", "10.0.2.1/24")
                    .sysctl("net.ipv4.ip_forward", 1).conf("rp_filter", 0)
                    .iptables(NAT_HEAD + (i == 0 ? dnat + mark : mark + dnat)
                            + "-A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE\nCOMMIT\n" + FILTER_ACCEPT);
            server(b, true);
            cs[i] = b.flow("web", "c1", "tcp", "10.0.1.1", 80, 0).constantPort(8080).build();
        }
        BothSides.Run r = BothSides.run(false, cs);
        for (int i = 0; i < 2; i++) {
            String seen = i == 0 ? "10.0.1.2" : "10.0.2.1";
            for (Observation o : new Observation[] {r.sim(i, "web"), r.kernel(i, "web")}) {
                assertEquals(Outcome.ESTABLISHED, o.outcome(), o::toString);
                assertEquals(seen, o.serverSrc(), () -> "case " + cs[0].name() + ": " + o);
            }
        }
    }

    /**
     * The request is forwarded (conf.eth0.forwarding=1) and MASQUERADEd on eth1; the server's
     * SYN-ACK comes back to the router's 10.0.2.1 on eth1, conntrack turns its destination back
     * into the client's, and with forwarding off (net.ipv4.ip_forward=0 writes every device's
     * conf.DEV.forwarding; only eth0's is turned on again) ip_route_input refuses to forward it:
     * it reaches the director and dies there, without an ICMP error (ip_error skips those when
     * the device does not forward). Control: forwarding on for both devices.
     */
    @Test
    void withIpForwardZeroAnSnatedReplyReachesTheDirectorAndDiesThere() {
        DiffCase[] cs = new DiffCase[2];
        for (int i = 0; i < 2; i++) {
            CaseBuilder b = base(i == 0 ? "reply-not-forwarded" : "reply-forwarded");
            CaseBuilder.HostB router = b.host("r", "router").eth("eth0", "front", "10.0.1.1/24").eth("eth1", "back", "10.0.2.1/24")
                    .sysctl("net.ipv4.ip_forward", i == 0 ? 0 : 1).sysctl("net.ipv4.conf.eth0.forwarding", 1).conf("rp_filter", 0);
            router.iptables(NAT_HEAD + "-A POSTROUTING -o eth1 -j MASQUERADE\nCOMMIT\n" + FILTER_ACCEPT);
            server(b, false); // no route to the client's network: only the MASQUERADE brings the reply back
            cs[i] = b.flow("web", "c1", "tcp", "10.0.2.10", 8080, 0).build();
        }
        BothSides.Run r = BothSides.run(true, cs);
        assertEquals(Outcome.TIMEOUT, r.sim(0, "web").outcome(), r.sim(0, "web")::toString);
        assertEquals(Outcome.TIMEOUT, r.kernel(0, "web").outcome(), r.kernel(0, "web")::toString);
        assertEquals(Outcome.ESTABLISHED, r.kernel(1, "web").outcome(), r.kernel(1, "web")::toString);
        String cap = r.capture(0, "r");
        assertTrue(Pattern.compile("eth1\\s+In\\s+IP 10\\.0\\.2\\.10\\.8080 > 10\\.0\\.2\\.1\\.\\d+: Flags \\[S\\.\\]").matcher(cap).find(),
                () -> "the SYN-ACK reaches the director:\n" + cap);
        assertFalse(Pattern.compile("Out\\s+IP 10\\.0\\.2\\.10\\.8080 > 10\\.0\\.1\\.2\\.\\d+").matcher(cap).find(),
                () -> "and is not forwarded to the client:\n" + cap);
    }

    /**
     * The router DNATs 10.0.1.1:80 to the server, which also sits on the client's segment and so
     * answers straight to it: the SYN-ACK comes from 10.0.2.10:8080, an address the client sent
     * no SYN to; no socket matches, and the client answers with a RST (tcp_v4_rcv ->
     * no_tcp_socket -> tcp_v4_send_reset) while its connect() keeps waiting. The probe sees a
     * timeout, and so does the simulator (its detail says "sent RST"); the
     * client's capture shows the RST. The server needs rp_filter=0: its route back to the client
     * leaves by eth1, not by eth0 where the SYN came in.
     */
    @Test
    void aClientAnswersASynAckFromAStrangerWithRst() {
        CaseBuilder b = base("stranger-syn-ack");
        b.host("r", "router").eth("eth0", "front", "10.0.1.1/24").eth("eth1", "back", "10.0.2.1/24")
                .sysctl("net.ipv4.ip_forward", 1).conf("rp_filter", 0)
                .iptables(NAT_HEAD + "-A PREROUTING -d 10.0.1.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.2.10:8080\n"
                        + "COMMIT\n" + FILTER_ACCEPT);
        b.host("s1", "server").eth("eth0", "back", "10.0.2.10/24").eth("eth1", "front", "10.0.1.10/24")
                .sysctl("net.ipv4.ip_forward", 0).conf("rp_filter", 0);
        DiffCase c = b.flow("web", "c1", "tcp", "10.0.1.1", 80, 0).constantPort(8080).build();
        BothSides.Run r = BothSides.run(true, c);
        Observation sim = r.sim(0, "web");
        assertEquals(Outcome.TIMEOUT, sim.outcome(), sim::toString);
        assertTrue(sim.note().startsWith("sent RST"), sim::toString);
        assertEquals(Outcome.TIMEOUT, r.kernel(0, "web").outcome());
        String cap = r.capture(0, "c1");
        assertTrue(Pattern.compile("IP 10\\.0\\.2\\.10\\.8080 > 10\\.0\\.1\\.2\\.\\d+: Flags \\[S\\.\\]").matcher(cap).find(),
                () -> "the SYN-ACK comes from the server's own address:\n" + cap);
        assertTrue(Pattern.compile("Out\\s+IP 10\\.0\\.1\\.2\\.\\d+ > 10\\.0\\.2\\.10\\.8080: Flags \\[R\\]").matcher(cap).find(),
                () -> "the client answers it with a RST:\n" + cap);
    }

    /**
     * MASQUERADE takes inet_select_addr(out device, next hop, universe): the device's primary
     * address in the next hop's subnet (10.0.2.1), not the route's src hint (10.0.3.1) and not
     * the device's first address; a socket on the router itself does take the src hint.
     */
    @Test
    void masqueradePicksTheOutgoingDevicesAddress() {
        DiffCase[] cs = new DiffCase[2];
        for (int i = 0; i < 2; i++) {
            CaseBuilder b = base(i == 0 ? "masq-src-hint" : "masq-first-addr");
            String[] addrs = i == 0 ? new String[] {"10.0.2.1/24", "10.0.3.1/24"} : new String[] {"10.0.3.1/24", "10.0.2.1/24"};
            b.host("r", "router").eth("eth0", "front", "10.0.1.1/24").eth("eth1", "back", addrs)
                    .route("10.0.2.10/32", null, "eth1", "10.0.3.1")
                    .sysctl("net.ipv4.ip_forward", 1).conf("rp_filter", 0)
                    .iptables(NAT_HEAD + "-A POSTROUTING -s 10.0.1.0/24 -o eth1 -j MASQUERADE\nCOMMIT\n" + FILTER_ACCEPT);
            server(b, true);
            cs[i] = b.flow("fwd", "c1", "tcp", "10.0.2.10", 8080, 0).flow("local", "r", "tcp", "10.0.2.10", 8080, 0).build();
        }
        BothSides.Run r = BothSides.run(false, cs);
        for (int i = 0; i < 2; i++) {
            for (Observation o : new Observation[] {r.sim(i, "fwd"), r.kernel(i, "fwd")}) {
                assertEquals(Outcome.ESTABLISHED, o.outcome(), o::toString);
                assertEquals("10.0.2.1", o.serverSrc(), o::toString);
            }
            for (Observation o : new Observation[] {r.sim(i, "local"), r.kernel(i, "local")}) {
                assertEquals(Outcome.ESTABLISHED, o.outcome(), o::toString);
                assertEquals("10.0.3.1", o.serverSrc(), o::toString);
            }
        }
    }
}
