package io.fnlab.sim.verify.allpackets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.scenario.ScenarioReader;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AllPacketsTest {
    private static Host node(String file) {
        Scenario s = ScenarioReader.read(Path.of("..", "scenarios", file));
        return s.hosts().stream().filter(h -> h.name().equals("node")).findFirst().orElseThrow();
    }

    @Test
    void kubeIpvsNodeReachesEveryServiceFromEverySourceClass() {
        Host node = node("kube-ipvs-node.yaml");
        AllPackets.Report r = AllPackets.verify(node, "eth0");
        // 5 services with servers (the empty one is not a class) x sources: inside 10.244.0.0/16, outside
        assertEquals(5 * 2, r.classes());
        assertTrue(r.holds(), () -> r.failures().toString());
    }

    @Test
    void aFilterDroppingOneClientPrefixFailsWithAWitnessFromThatPrefix() {
        String yaml = """
                name: drop-one-prefix
                segments: [lan, back]
                hosts:
                  - name: node
                    role: director
                    interfaces:
                      - {name: eth0, segment: lan, addresses: [192.168.0.10/16]}
                      - {name: eth1, segment: back, addresses: [10.0.0.1/24]}
                      - {name: vip0, kind: dummy, addresses: [10.96.0.1/32]}
                    sysctls:
                      net.ipv4.ip_forward: 1
                    config:
                      - kind: iptables-save
                        text: |
                          *filter
                          :INPUT ACCEPT [0:0]
                          :FORWARD ACCEPT [0:0]
                          :OUTPUT ACCEPT [0:0]
                          -A INPUT -s 172.16.0.0/12 -j DROP
                          COMMIT
                      - kind: ipvsadm-save
                        text: |
                          -A -t 10.96.0.1:80 -s rr
                          -a -t 10.96.0.1:80 -r 10.0.0.2:8080 -m -w 1
                """;
        Host node = ScenarioReader.parse(yaml, Path.of("drop-one-prefix.yaml")).hosts().get(0);
        AllPackets.Report r = AllPackets.verify(node, "eth0");
        assertEquals(2, r.classes());
        assertEquals(1, r.failures().size(), r.failures().toString());
        AllPackets.Failure f = r.failures().get(0);
        assertTrue(f.witness().startsWith("172.16.0.1:"), f.witness());
        assertTrue(f.outcome().startsWith("dropped"), f.outcome());
    }
}
