package io.fnlab.sim.ipvs;

import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.sim.netfilter.HookRegistry;
import io.fnlab.sim.skb.SkBuff;
import java.util.List;
import java.util.Set;

final class Fixtures {
    static final Ipv4 VIP = Ipv4.parse("10.0.0.100");
    static final Ipv4 CIP = Ipv4.parse("192.0.2.10");
    static final int SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04;

    private Fixtures() {}

    static RealServer rs(String addr, int port, ForwardMethod m, int weight) {
        return new RealServer(Ipv4.parse(addr), port, m, weight, 0, 0);
    }

    static RealServer rs(String addr, int weight) {
        return rs(addr, 80, ForwardMethod.MASQ, weight);
    }

    static VirtualService tcp(String sched, RealServer... servers) {
        return new VirtualService(ServiceKey.tcp(VIP, 80), sched, Set.of(), null, null, List.of(servers));
    }

    static Ipvs ipvs(FakeStack st, VirtualService... vs) {
        return Ipvs.attach(new IpvsConfig(List.of(vs), IpvsConfig.Timeouts.DEFAULT, List.of()), new HookRegistry(), st);
    }

    static SkBuff syn(int cport) {
        return SkBuff.tcp(CIP, cport, VIP, 80, SYN);
    }

    static SkBuff pkt(Ipv4 src, int sport, Ipv4 dst, int dport, int flags) {
        return SkBuff.tcp(src, sport, dst, dport, flags);
    }
}
