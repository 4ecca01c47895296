package io.fnlab.lab.export;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fnlab.model.format.iptables.IptablesSave;
import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.HostConfig;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.sysctl.Sysctls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applies exported files to a real kernel, in a network namespace made for the test: the script
 * works, a second run changes nothing, a failing step undoes everything, and nothing in a scenario
 * can inject shell.
 */
@Tag("kernel")
class ExportKernelTest {
    private final String ns = "fnlab-export-" + ProcessHandle.current().pid();
    @TempDir
    Path dir;

    static final String RULES = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-SERVICES - [0:0]
            -A PREROUTING -m comment --comment "it's $(touch /tmp/fnlab-pwned) `touch /tmp/fnlab-pwned`" -j KUBE-SERVICES
            -A OUTPUT -j KUBE-SERVICES
            -A POSTROUTING -j KUBE-POSTROUTING
            -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
            -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
            -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
            -A KUBE-POSTROUTING -j MASQUERADE
            -A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ
            COMMIT
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            COMMIT
            """;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(NetnsFixture.isRoot(), "needs root to create network namespaces");
        assumeTrue(NetnsFixture.has("iptables") && NetnsFixture.has("ipset") && NetnsFixture.has("ip"),
                "needs iptables, ipset and iproute2");
        Files.deleteIfExists(Path.of("/tmp/fnlab-pwned"));
        assertEquals(0, NetnsFixture.sh("ip netns add " + ns + " && ip netns exec " + ns + " ip link set lo up"
                + " && ip netns exec " + ns + " ip link add eth0 type veth peer name eth1"
                + " && ip netns exec " + ns + " ip link set eth0 up && ip netns exec " + ns + " ip link set eth1 up").exit());
    }

    /** Some kernels (this machine's) have no dummy driver: then the VIP goes on lo. */
    private boolean dummySupported() throws Exception {
        boolean ok = NetnsFixture.inNs(ns, "ip", "link", "add", "fnlabprobe0", "type", "dummy").exit() == 0;
        NetnsFixture.inNs(ns, "ip", "link", "del", "fnlabprobe0");
        return ok;
    }

    @AfterEach
    void tearDown() throws Exception {
        NetnsFixture.sh("ip netns del " + ns + " 2>/dev/null");
    }

    private Host host(List<Route> routes) throws Exception {
        boolean dummy = dummySupported();
        Ruleset rs = IptablesSave.read(RULES, "rules");
        Map<String, IpSet> sets = new LinkedHashMap<>();
        sets.put("KUBE-CLUSTER-IP", new IpSet("KUBE-CLUSTER-IP", SetType.HASH_IP_PORT,
                Map.of("family", "inet", "hashsize", "1024", "maxelem", "65536"),
                List.of(SetEntry.of(new SetElem.Net(Prefix.parse("10.96.0.10/32")), new SetElem.Port(Protocol.TCP, 80)))));
        Map<String, String> sysctls = new LinkedHashMap<>();
        sysctls.put("net.ipv4.ip_forward", "1");
        sysctls.put("net.ipv4.conf.all.rp_filter", "2");
        HostConfig cfg = new HostConfig(rs, sets, IpvsConfig.EMPTY,
                List.of(new Address(Prefix.parse("10.0.0.2/24"), "eth0", Address.Scope.GLOBAL),
                        new Address(Prefix.parse("10.96.0.10/32"), dummy ? "kube-ipvs0" : "lo", Address.Scope.GLOBAL)),
                routes, List.of(), new Sysctls(sysctls), List.of());
        return new Host("node'; touch /tmp/fnlab-pwned; '", "director",
                dummy ? List.of(new Interface("eth0", Interface.Kind.ETHERNET, "lan", null, 1500),
                        new Interface("kube-ipvs0", Interface.Kind.DUMMY, null, null, 1500))
                        : List.of(new Interface("eth0", Interface.Kind.ETHERNET, "lan", null, 1500)), cfg, null);
    }

    private Path export(Host h) throws Exception {
        Scenario s = new Scenario("export test", "", "", "holds", List.of(), List.of(h), List.of(), List.of(), List.of(), null);
        return ExportWriter.write(Exporter.export(s, h), dir);
    }

    private String state() throws Exception {
        String ipt = NetnsFixture.inNs(ns, "iptables-save").out().replaceAll("(?m)^#.*\n", "").replaceAll("\\[\\d+:\\d+\\]", "[0:0]");
        return ipt + NetnsFixture.inNs(ns, "ipset", "save").out() + NetnsFixture.inNs(ns, "ip", "-o", "addr").out()
                + NetnsFixture.inNs(ns, "ip", "route").out()
                + NetnsFixture.inNs(ns, "sysctl", "net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter").out();
    }

    @Test
    void appliesIdempotentlyAndSafely() throws Exception {
        Host h = host(List.of(new Route(Route.Type.UNICAST, Prefix.parse("10.9.0.0/16"), Ipv4.parse("10.0.0.1"), "eth0",
                null, 0, null, null)));
        Path d = export(h);
        NetnsFixture.Result first = NetnsFixture.inNs(ns, "sh", d.resolve("apply.sh").toString());
        assertEquals(0, first.exit(), first.err());
        String afterFirst = state();
        assertTrue(afterFirst.contains("-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ"), afterFirst);
        assertTrue(afterFirst.contains("add KUBE-CLUSTER-IP 10.96.0.10,tcp:80"), afterFirst);
        assertTrue(afterFirst.contains("10.9.0.0/16 via 10.0.0.1 dev eth0"), afterFirst);
        assertTrue(afterFirst.contains("net.ipv4.ip_forward = 1"), afterFirst);
        assertTrue(afterFirst.contains(":FORWARD DROP"), afterFirst);

        // The applied tables read back as what was exported.
        Ruleset real = IptablesSave.read(NetnsFixture.inNs(ns, "iptables-save").out(), "real");
        Ruleset want = IptablesSave.read(RULES, "rules");
        for (TableName t : want.tables().keySet()) {
            var a = real.tables().get(t).chains();
            var b = want.tables().get(t).chains();
            assertEquals(b.size(), a.size(), t + " chains");
            for (int i = 0; i < a.size(); i++) {
                assertEquals(b.get(i).name(), a.get(i).name());
                assertEquals(b.get(i).rules().size(), a.get(i).rules().size(), t + "/" + a.get(i).name());
                for (int j = 0; j < a.get(i).rules().size(); j++)
                    assertTrue(a.get(i).rules().get(j).sameSpec(b.get(i).rules().get(j)), t + "/" + a.get(i).name() + " rule " + j);
            }
        }

        NetnsFixture.Result second = NetnsFixture.inNs(ns, "sh", d.resolve("apply.sh").toString());
        assertEquals(0, second.exit(), second.err());
        assertEquals(afterFirst, state(), "a second run must change nothing");
        assertFalse(Files.exists(Path.of("/tmp/fnlab-pwned")), "scenario text was executed by the shell");
    }

    @Test
    void failureUndoesEverything() throws Exception {
        String before = state();
        // A gateway that is not on any connected subnet: `ip route add` fails after sysctls,
        // devices and addresses were changed; all of them must be undone.
        Host h = host(List.of(new Route(Route.Type.UNICAST, Prefix.parse("10.9.0.0/16"), Ipv4.parse("192.0.2.1"), "eth0",
                null, 0, null, null)));
        Path d = export(h);
        NetnsFixture.Result r = NetnsFixture.inNs(ns, "sh", d.resolve("apply.sh").toString());
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("undoing"), r.err());
        assertEquals(before, state(), "the failed run must leave the host as it was");
        assertNotEquals(0, NetnsFixture.inNs(ns, "ip", "link", "show", "kube-ipvs0").exit(), "dummy device not removed");
    }

    @Test
    void refusesWithoutIpvsModuleAndChangesNothing() throws Exception {
        assumeTrue(NetnsFixture.sh("[ -d /sys/module/ip_vs ] || modprobe -n ip_vs").exit() != 0,
                "this kernel has IPVS; the test wants one without");
        Host base = host(List.of());
        var ipvs = io.fnlab.model.format.ipvsadm.IpvsadmSave.read("-A -t 10.96.0.10:80 -s rr\n-a -t 10.96.0.10:80 -r 10.0.0.9:80 -m -w 1\n", "ipvs");
        HostConfig c = base.config();
        Host h = new Host(base.name(), base.role(), base.interfaces(), new HostConfig(c.iptables(), c.ipsets(), ipvs,
                c.addresses(), c.routes(), c.rules(), c.sysctls(), c.diagnostics()), null);
        String before = state();
        NetnsFixture.Result r = NetnsFixture.inNs(ns, "sh", export(h).resolve("apply.sh").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("cannot load kernel module ip_vs"), r.err());
        assertEquals(before, state());
    }
}
