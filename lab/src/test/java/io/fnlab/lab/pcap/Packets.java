package io.fnlab.lab.pcap;

import io.fnlab.model.net.Ipv4;
import io.fnlab.sim.skb.SkBuff;

/** Sample simulated packets shared by the tests. */
final class Packets {
    private Packets() {}

    static final MacAddress MAC_A = MacAddress.parse("02:00:0a:00:00:01");
    static final MacAddress MAC_B = MacAddress.parse("02:00:0a:00:00:02");

    static SkBuff syn() {
        SkBuff s = SkBuff.tcp(Ipv4.parse("10.0.0.1"), 40000, Ipv4.parse("10.96.0.10"), 80, 0x02);
        s.seq = 0xdeadbeefL;
        s.id = 4321;
        return s;
    }

    static SkBuff synAck() {
        SkBuff s = SkBuff.tcp(Ipv4.parse("10.96.0.10"), 80, Ipv4.parse("10.0.0.1"), 40000, 0x12);
        s.seq = 1000;
        s.ack = 0xdeadbef0L;
        s.ttl = 63;
        return s;
    }

    static SkBuff udp() {
        SkBuff s = SkBuff.udp(Ipv4.parse("10.0.0.1"), 41000, Ipv4.parse("10.0.0.53"), 18999);
        s.payload = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        s.tos = 0x10;
        return s;
    }

    static SkBuff echo() {
        SkBuff s = new SkBuff();
        s.saddr = Ipv4.parse("10.0.0.1").bits();
        s.daddr = Ipv4.parse("10.0.0.2").bits();
        s.protocol = 1;
        s.sport = 777;
        s.dport = 8 << 8;
        s.seq = 3;
        s.payload = new byte[56];
        return s;
    }

    /** Port unreachable quoting the UDP packet. */
    static SkBuff unreachable() {
        SkBuff s = new SkBuff();
        s.saddr = Ipv4.parse("10.0.0.53").bits();
        s.daddr = Ipv4.parse("10.0.0.1").bits();
        s.protocol = 1;
        s.dport = 3 << 8 | 3;
        s.icmpInner = udp();
        return s;
    }

    static SkBuff ipip() {
        SkBuff s = new SkBuff();
        s.saddr = Ipv4.parse("192.168.1.1").bits();
        s.daddr = Ipv4.parse("192.168.1.2").bits();
        s.protocol = 4;
        s.inner = syn();
        return s;
    }

    static SkBuff[] all() {
        return new SkBuff[] {syn(), synAck(), udp(), echo(), unreachable(), ipip()};
    }
}
