package io.fnlab.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.Address;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.HostConfig;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Segment;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.scenario.Traffic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabPlanFromScenarioTest {
    static HostConfig withAddresses(Address... a) {
        HostConfig e = HostConfig.EMPTY;
        return new HostConfig(e.iptables(), e.ipsets(), e.ipvs(), List.of(a), e.routes(), e.rules(), e.sysctls(), e.diagnostics());
    }

    static Scenario scenario(Protocol p) {
        Host client = new Host("client", "client", List.of(new Interface("lo", Interface.Kind.LOOPBACK, null, null, 65536),
                new Interface("eth0", Interface.Kind.ETHERNET, "lan", null, 1500)),
                withAddresses(new Address(Prefix.parse("10.0.0.2/24"), "eth0", Address.Scope.GLOBAL),
                        new Address(Prefix.parse("127.0.0.1/8"), "lo", Address.Scope.HOST)), SourceRef.UNKNOWN);
        Host director = new Host("director", "director", List.of(new Interface("eth0", Interface.Kind.ETHERNET, "lan", "02:00:00:00:00:01", 1500),
                new Interface("kube-ipvs0", Interface.Kind.DUMMY, null, null, 1500)),
                withAddresses(new Address(Prefix.parse("10.0.0.1/24"), "eth0", Address.Scope.GLOBAL),
                        new Address(Prefix.parse("10.96.0.1/32"), "kube-ipvs0", Address.Scope.GLOBAL)), SourceRef.UNKNOWN);
        return new Scenario("Seed 002!", "d", "t", "holds", List.of(new Segment("lan")), List.of(client, director),
                List.of(new Server("director", p, null, 80, "hi")),
                List.of(new Traffic.Flow("f1", "client", p, new Endpoint(Ipv4.parse("10.96.0.1"), 80), 30000, "GET", true, 3, 2500, SourceRef.UNKNOWN)),
                List.of(), "x.yaml");
    }

    @Test
    void ethernetInterfacesGetTheirAddressesOtherDevicesAreLeftToTheScripts() {
        LabPlan p = LabPlan.fromScenario(scenario(Protocol.TCP), Map.of("director", "ip link add kube-ipvs0 type dummy\n"), 1000);
        assertEquals("seed-002", p.name());
        LabPlan.LabHost c = p.hosts().get(0);
        assertEquals(List.of(new LabPlan.LabIface("eth0", "lan", List.of("10.0.0.2/24"), null)), c.interfaces());
        LabPlan.LabHost d = p.hosts().get(1);
        assertEquals(1, d.interfaces().size());
        assertEquals("02:00:00:00:00:01", d.interfaces().get(0).mac());
        assertEquals("ip link add kube-ipvs0 type dummy\n", d.setup());
        assertEquals(new LabPlan.LabServer("director", "tcp", 80, "hi", null), p.servers().get(0));
        // the flow keeps its start (ms after the traffic began) and its repeat as the count
        assertEquals(new LabPlan.LabStep.Connect("f1", "client", "tcp", "10.96.0.1", 80, 30000, "GET", 1000, 3, 2500), p.steps().get(0));
        assertEquals(true, ((LabPlan.LabStep.Connect) p.steps().get(0)).timed());
    }

    @Test
    void theProbeSpeaksOnlyTcpAndUdp() {
        assertThrows(IllegalArgumentException.class, () -> LabPlan.fromScenario(scenario(Protocol.ICMP), Map.of(), 1000));
    }
}
