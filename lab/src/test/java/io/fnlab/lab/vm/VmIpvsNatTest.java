package io.fnlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.lab.netns.Exec;
import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabPlan.LabHost;
import io.fnlab.lab.netns.LabPlan.LabIface;
import io.fnlab.lab.netns.LabPlan.LabServer;
import io.fnlab.lab.netns.LabPlan.LabStep;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.netns.LabScript;
import io.fnlab.lab.probe.ProbeEvent;
import io.fnlab.model.scenario.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 on a real IPVS kernel (one VM boot, several cases): a client, a director with VIP
 * 100.222.111.1:8000 in NAT mode (-m) to two real servers on the client's own segment.
 */
@Tag("vm")
class VmIpvsNatTest {
    static final String VIP = "100.222.111.1";
    static final String CLIENT = "1.65.15.140";
    static final String DIRECTOR = "1.65.15.141";
    static final String RS1 = "1.65.15.143";
    static final String RS2 = "1.65.15.144";

    static VmResult vm;
    static Map<String, LabResult> cases;

    @BeforeAll
    static void bootOnce() {
        VmImage.unavailableReason().ifPresent(r -> Assumptions.abort("VM lab unavailable: " + r));
        Assumptions.assumeTrue(Exec.isRoot(), "the VM lab test runs as root (apt-get download, as in CI)");
        List<LabPlan> plans = List.of(
                seed002("nosnat", false, 1, 1),
                seed002("masq", true, 1, 2),
                seed002("masq-noct", true, 0, 1));
        vm = new VmBackend(VmImage.ensure()).run(LabScript.vmJob(plans), Map.of(), Duration.ofMinutes(5));
        cases = LabResult.fromVm(plans, vm);
        // kept in target/surefire-reports/*-output.txt: what the real kernel did, for people
        System.out.println("VM boot+run: " + vm.bootMillis() + " ms");
        cases.forEach((n, r) -> System.out.println(n + ": " + r.text("flow-c.jsonl") + r.capture("client")));
    }

    static LabPlan seed002(String name, boolean masquerade, int vsConntrack, int connections) {
        String director = "ip addr add " + VIP + "/24 dev eth0\n"
                + "sysctl -w net.ipv4.ip_forward=1\n"
                + "sysctl -w net.ipv4.vs.conntrack=" + vsConntrack + "\n"
                + "ipvsadm -A -t " + VIP + ":8000 -s rr\n"
                + "ipvsadm -a -t " + VIP + ":8000 -r " + RS1 + ":80 -m\n"
                + "ipvsadm -a -t " + VIP + ":8000 -r " + RS2 + ":80 -m\n"
                + (masquerade ? "iptables -t nat -A POSTROUTING -m ipvs --vaddr " + VIP + " --vport 8000 -j MASQUERADE\n" : "");
        return new LabPlan(name,
                List.of(new LabHost("client", List.of(new LabIface("eth0", "lan", CLIENT + "/24")),
                                "ip route add " + VIP + " via " + DIRECTOR + " dev eth0\n"),
                        new LabHost("director", List.of(new LabIface("eth0", "lan", DIRECTOR + "/24")), director),
                        new LabHost("rs1", List.of(new LabIface("eth0", "lan", RS1 + "/24")), ""),
                        new LabHost("rs2", List.of(new LabIface("eth0", "lan", RS2 + "/24")), "")),
                List.of(new LabServer("rs1", "tcp", 80, "rs1", null), new LabServer("rs2", "tcp", 80, "rs2", null)),
                List.of(new LabStep.Connect("c", "client", "tcp", VIP, 8000, 0, "GET", 2500, connections),
                        new LabStep.Run("director", "ipvsadm -Ln", "ipvsadm-Ln.txt"),
                        new LabStep.Run("director", "ipvsadm -Lnc", "ipvsadm-Lnc.txt"),
                        new LabStep.Run("director", "lsmod | grep '^ip_vs '", "lsmod.txt")),
                true);
    }

    @Test
    void theVmBootsAndRunsEveryCase() {
        assertEquals(0, vm.exitCode(), vm.console());
        assertTrue(vm.console().contains("FNLAB-READY kernel="), vm.console());
        assertTrue(!vm.console().contains("FNLAB-MODULES-FAILED"), vm.console());
        for (LabResult r : cases.values()) assertEquals(0, r.exitCode(), r.name() + ":\n" + r.log());
        assertTrue(cases.get("nosnat").text("lsmod.txt").startsWith("ip_vs "), cases.get("nosnat").text("lsmod.txt"));
    }

    @Test
    void withoutSnatTheClientResetsTheRealServersSynAck() {
        LabResult r = cases.get("nosnat");
        ProbeEvent e = r.flow("c").get(0);
        assertNotEquals(Outcome.ESTABLISHED, e.clientOutcome().orElseThrow(), e.raw());
        // the RS answers the client directly from its own address; the client's stack knows no such
        // connection (it talked to the VIP) and answers the SYN-ACK with a RST (tcp_v4_rcv -> no socket)
        String cap = r.capture("client");
        Matcher synAck = Pattern.compile("IP (1\\.65\\.15\\.14[34])\\.80 > " + Pattern.quote(CLIENT) + "\\.(\\d+): Flags \\[S\\.\\]").matcher(cap);
        assertTrue(synAck.find(), cap);
        String rst = CLIENT + "." + synAck.group(2) + " > " + synAck.group(1) + ".80: Flags [R]";
        assertTrue(cap.contains(rst), "expected " + rst + " in\n" + cap);
        // and no reply ever came from the VIP
        assertTrue(!cap.contains(VIP + ".8000 > " + CLIENT), cap);
        assertTrue(r.served(new LabServer("rs1", "tcp", 80, "rs1", null)).isEmpty()
                && r.served(new LabServer("rs2", "tcp", 80, "rs2", null)).isEmpty(), "no server saw a request");
    }

    @Test
    void masqueradeWithVsConntrackEstablishesAndRoundRobinStartsAtTheLastAdded() {
        LabResult r = cases.get("masq");
        List<ProbeEvent> flow = r.flow("c");
        assertEquals(2, flow.size(), r.text("flow-c.jsonl"));
        for (ProbeEvent e : flow) assertEquals(Outcome.ESTABLISHED, e.clientOutcome().orElseThrow(), e.raw());
        // the first rr pick is the destination added last: __ip_vs_update_dest() list_add_rcu()s each
        // new dest at the head of svc->destinations and ip_vs_rr_schedule() walks from the head
        assertEquals("rs2", flow.get(0).response());
        assertEquals("rs1", flow.get(1).response());
        List<ProbeEvent> atRs2 = r.served(new LabServer("rs2", "tcp", 80, "rs2", null));
        assertEquals(1, atRs2.size());
        assertEquals(DIRECTOR, atRs2.get(0).peerAddr(), "MASQUERADE: the RS sees the director");
        String lnc = r.text("ipvsadm-Lnc.txt");
        assertTrue(lnc.contains(VIP + ":8000") && lnc.contains(RS2 + ":80") && lnc.contains(RS1 + ":80"), lnc);
        String ln = r.text("ipvsadm-Ln.txt");
        // ... while ipvsadm -Ln still prints them in the order they were added (observed on 6.1)
        assertTrue(ln.indexOf(RS1) < ln.indexOf(RS2), "ipvsadm -Ln lists rs1 before rs2:\n" + ln);
    }

    @Test
    void masqueradeWithoutVsConntrackFails() {
        LabResult r = cases.get("masq-noct");
        ProbeEvent e = r.flow("c").get(0);
        assertNotEquals(Outcome.ESTABLISHED, e.clientOutcome().orElseThrow(), e.raw() + "\n" + r.capture("director"));
        // without net.ipv4.vs.conntrack, ip_vs_nat_send_or_cont() marks the forwarded SYN untracked
        // (ip_vs_notrack: no IP_VS_CONN_F_NFCT), an untracked skb never reaches the nat table, so
        // MASQUERADE never applies: the RS again answers the client straight from its RIP
        String cap = r.capture("client");
        assertTrue(Pattern.compile("IP 1\\.65\\.15\\.14[34]\\.80 > " + Pattern.quote(CLIENT) + "\\.\\d+: Flags \\[S\\.\\]")
                .matcher(cap).find(), cap);
        assertTrue(!cap.contains(VIP + ".8000 > " + CLIENT), cap);
    }
}
