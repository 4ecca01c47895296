package io.fnlab.sim.net;

import io.fnlab.model.net.Endpoint;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.PortRange;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.netfilter.match.AddrMatch;
import io.fnlab.model.netfilter.match.IfaceMatch;
import io.fnlab.model.netfilter.match.PortSpec;
import io.fnlab.model.netfilter.match.ProtoMatch;
import io.fnlab.model.netfilter.match.TcpMatch;
import io.fnlab.model.netfilter.match.UdpMatch;
import io.fnlab.model.netfilter.targets.Dnat;
import io.fnlab.model.netfilter.targets.Masquerade;
import io.fnlab.model.netfilter.targets.NatRange;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.Server;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.MiniWalker;
import io.fnlab.sim.TestHosts;
import java.util.List;

/**
 * The reference topology: client (10.0.1.2) on "front", a director/router (10.0.1.1 front,
 * 10.0.2.1 back) that DNATs 10.0.1.1:80 to the server 10.0.2.10:8080 and, when masquerade is on,
 * MASQUERADEs on eth1; the server has no route back to the client network of its own.
 */
final class Fixtures {
    static final Ipv4 VIP = Ipv4.parse("10.0.1.1");

    static TestHosts.B client() {
        return TestHosts.host("client").eth("eth0", "front", "10.0.1.2/24").route("default", "10.0.1.1", "eth0");
    }

    static TestHosts.B director(boolean masquerade) {
        TestHosts.B d = TestHosts.host("director").eth("eth0", "front", "10.0.1.1/24").eth("eth1", "back", "10.0.2.1/24")
                .forward()
                .rule(TableName.NAT, "PREROUTING", new Dnat(new NatRange(Ipv4.parse("10.0.2.10"), null, PortRange.single(8080)), false, false),
                        new AddrMatch(AddrMatch.Direction.DST, Prefix.parse("10.0.1.1/32"), false), new ProtoMatch(Protocol.TCP, false),
                        new TcpMatch(null, new PortSpec(PortRange.single(80), false), null, null, false))
                .rule(TableName.NAT, "PREROUTING", new Dnat(new NatRange(Ipv4.parse("10.0.2.10"), null, null), false, false),
                        new AddrMatch(AddrMatch.Direction.DST, Prefix.parse("10.0.1.1/32"), false), new ProtoMatch(Protocol.UDP, false),
                        new UdpMatch(null, new PortSpec(PortRange.single(53), false)));
        if (masquerade)
            d.rule(TableName.NAT, "POSTROUTING", new Masquerade(null, false, false), new IfaceMatch(IfaceMatch.Direction.OUT, "eth1", false));
        return d;
    }

    static TestHosts.B server() {
        return TestHosts.host("server").eth("eth0", "back", "10.0.2.10/24");
    }

    static List<Server> servers() {
        return List.of(new Server("server", Protocol.TCP, null, 8080, "hello from server"));
    }

    static Network network(MiniWalker w, TestHosts.B... hosts) {
        Network n = new Network(42, true);
        for (TestHosts.B b : hosts) n.addHost(b.build(), servers(), w);
        return n;
    }

    static Traffic.Flow tcp(String id, String from, String to) {
        return new Traffic.Flow(id, from, Protocol.TCP, Endpoint.parse(to), null, "GET /", true, 1, 0, SourceRef.UNKNOWN);
    }

    static Traffic.Flow udp(String id, String from, String to) {
        return new Traffic.Flow(id, from, Protocol.UDP, Endpoint.parse(to), null, "query", false, 1, 0, SourceRef.UNKNOWN);
    }

    private Fixtures() {}
}
