package io.fnlab.model.format.ipset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.Fuzz;
import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.IpSetIndex;
import io.fnlab.model.ipset.SetElem;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.ipset.SetType;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Prefix;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class IpsetFormatTest {
    /** Real `ipset save` output captured on ipset 7.17 / Linux 6.1. */
    static final String REAL = """
            create b hash:ip,port family inet hashsize 1024 maxelem 65536 timeout 0 comment bucketsize 12 initval 0xe6618f5b
            add b 10.1.1.3,icmp:echo-request timeout 0
            add b 10.1.1.1,tcp:80 timeout 0 comment "hello world"
            add b 10.1.1.1,udp:53 timeout 0
            create d hash:ip,port,net family inet hashsize 2048 maxelem 100 bucketsize 12 initval 0x9ce55464
            add d 10.1.1.1,tcp:81,10.0.0.1
            add d 10.1.1.1,tcp:80,10.0.0.0/8
            create e hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x11152fc8
            add e 10.0.0.0/28 nomatch
            add e 10.0.1.5
            add e 10.0.0.0/24
            create n hash:net,port family inet hashsize 1024 maxelem 65536 timeout 30 counters bucketsize 12 initval 0x4ae424d1
            add n 10.0.0.0/8,tcp:80 timeout 9 packets 0 bytes 0
            create g bitmap:port range 0-65535
            add g 80
            add g 30000
            create h bitmap:port range 30000-32767 comment
            add h 30001 comment "x"
            create z hash:net,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xa5a21518
            add z 10.0.0.0/8,icmp:port-unreachable
            add z 10.0.0.0/8,udplite:5
            add z 10.0.0.0/8,esp:0
            """;

    @Test
    void realSaveOutputReadsAndWritesBackByteForByte() {
        Map<String, IpSet> sets = IpsetSave.read(REAL, "save");
        assertEquals(REAL, IpsetSave.write(sets.values()));
        IpSet e = sets.get("e");
        assertEquals(SetType.HASH_NET, e.type());
        assertTrue(e.entries().get(0).nomatch());
        assertEquals(List.of(new SetElem.Net(Prefix.parse("10.0.1.5/32"))), e.entries().get(1).elems());
    }

    @Test
    void badInputIsAParseErrorWithPlace() {
        ParseError p = assertThrows(ParseError.class, () -> IpsetSave.read("create a hash:ip\nadd a 10.0.0.1\nadd a 10.0.0.1\n", "f"));
        assertEquals(3, p.where().line());
        assertEquals("Error in line 3: Element cannot be added to the set: it's already added", p.problem());
        ParseError q = assertThrows(ParseError.class, () -> IpsetSave.read("create a hash:mac\n", "f"));
        assertTrue(q.problem().contains("not modelled"), q.problem());
    }

    @Test
    void commandsFailWithIpsetsMessages() {
        HostConfigBuilder h = new HostConfigBuilder();
        IpsetCommand c = new IpsetCommand();
        SourceRef w = SourceRef.of("s", 1);
        assertTrue(c.apply(h, List.of("create", "KUBE-CLUSTER-IP", "hash:ip,port"), w).isEmpty());
        assertTrue(c.apply(h, List.of("add", "KUBE-CLUSTER-IP", "10.96.0.1,tcp:443"), w).isEmpty());
        assertEquals("Element cannot be added to the set: it's already added",
                c.apply(h, List.of("add", "KUBE-CLUSTER-IP", "10.96.0.1,443"), w).get().message());
        assertTrue(c.apply(h, List.of("-exist", "add", "KUBE-CLUSTER-IP", "10.96.0.1,443"), w).isEmpty());
        assertEquals("The set with the given name does not exist", c.apply(h, List.of("add", "nope", "1.1.1.1"), w).get().message());
        assertEquals("Set cannot be created: set with the same name already exists",
                c.apply(h, List.of("create", "KUBE-CLUSTER-IP", "hash:ip"), w).get().message());
        assertTrue(c.apply(h, List.of("create", "KUBE-CLUSTER-IP", "hash:ip,port", "-exist"), w).isEmpty());
        assertTrue(c.apply(h, List.of("create", "P", "bitmap:port", "range", "30000-32767"), w).isEmpty());
        assertEquals("Element is out of the range of the set", c.apply(h, List.of("add", "P", "80"), w).get().message());
        assertEquals("create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12\n"
                + "add KUBE-CLUSTER-IP 10.96.0.1,tcp:443\ncreate P bitmap:port range 30000-32767\n", IpsetSave.write(h.ipsets.values()));
    }

    @Test
    void indexFollowsLongestPrefixAndNomatch() {
        IpSet s = IpsetSave.read("""
                create e hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12
                add e 10.0.0.0/8
                add e 10.1.0.0/16 nomatch
                add e 10.1.2.0/24
                """, "f").get("e");
        IpSetIndex x = IpSetIndex.of(s);
        assertTrue(x.contains(Ipv4.parse("10.9.9.9").bits()));
        assertFalse(x.contains(Ipv4.parse("10.1.9.9").bits()));
        assertTrue(x.contains(Ipv4.parse("10.1.2.3").bits()));
        assertFalse(x.contains(Ipv4.parse("11.0.0.1").bits()));
        IpSet p = IpsetSave.read("""
                create c hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12
                add c 10.96.0.1,tcp:443
                add c 10.96.0.10,udp:53
                create n bitmap:port range 30000-32767
                add n 30080
                create l hash:ip,port,ip family inet hashsize 1024 maxelem 65536 bucketsize 12
                add l 10.0.0.5,tcp:80,10.0.0.5
                create q hash:ip,port,net family inet hashsize 1024 maxelem 65536 bucketsize 12
                add q 10.0.0.5,tcp:80,10.0.0.0/8
                add q 10.0.0.5,tcp:80,10.0.0.0/24 nomatch
                """, "f").get("c");
        IpSetIndex c = IpSetIndex.of(p);
        assertTrue(c.contains(Ipv4.parse("10.96.0.1").bits(), 6, 443));
        assertFalse(c.contains(Ipv4.parse("10.96.0.1").bits(), 17, 443));
        assertTrue(c.contains(Ipv4.parse("10.96.0.10").bits(), 17, 53));
        Map<String, IpSet> all = IpsetSave.read("""
                create n bitmap:port range 30000-32767
                add n 30080
                create l hash:ip,port,ip family inet hashsize 1024 maxelem 65536 bucketsize 12
                add l 10.0.0.5,tcp:80,10.0.0.5
                create q hash:ip,port,net family inet hashsize 1024 maxelem 65536 bucketsize 12
                add q 10.0.0.5,tcp:80,10.0.0.0/8
                add q 10.0.0.5,tcp:80,10.0.0.0/24 nomatch
                """, "f");
        IpSetIndex n = IpSetIndex.of(all.get("n"));
        assertTrue(n.containsPort(6, 30080));
        assertTrue(n.containsPort(17, 30080));
        assertFalse(n.containsPort(1, 30080));
        // bitmap_port.c takes the port through ip_set_get_ip_port: TCP and UDP only, not SCTP or UDP-Lite
        assertFalse(n.containsPort(132, 30080));
        assertFalse(n.containsPort(136, 30080));
        assertFalse(n.containsPort(6, 30081));
        IpSetIndex l = IpSetIndex.of(all.get("l"));
        int a = Ipv4.parse("10.0.0.5").bits();
        assertTrue(l.contains(a, 6, 80, a));
        assertFalse(l.contains(a, 6, 80, a + 1));
        IpSetIndex q = IpSetIndex.of(all.get("q"));
        assertTrue(q.contains(a, 6, 80, Ipv4.parse("10.9.0.1").bits()));
        assertFalse(q.contains(a, 6, 80, Ipv4.parse("10.0.0.77").bits()));
    }

    @Test
    void anAddressDimensionGivenAsACidrHoldsEveryAddressInIt() {
        // ipset adds each address of 10.0.0.0/30 to a hash:ip set: `ipset test` and -m set agree on one index
        IpSet s = IpsetSave.read("""
                create r hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12
                add r 10.0.0.0/30
                """, "f").get("r");
        IpSetIndex x = IpSetIndex.of(s);
        assertTrue(x.contains(Ipv4.parse("10.0.0.3").bits()));
        assertTrue(x.contains(List.of(new SetElem.Net(Prefix.parse("10.0.0.2")))));
        assertFalse(x.contains(Ipv4.parse("10.0.0.4").bits()));
        assertThrows(IllegalArgumentException.class, () -> x.contains(1, 6, 80));
    }

    // ---------------------------------------------------------------- round trip

    @Provide
    Arbitrary<List<IpSet>> setLists() {
        return set().list().ofMinSize(0).ofMaxSize(4).uniqueElements(IpSet::name);
    }

    static Arbitrary<IpSet> set() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019_-").ofMinLength(1).ofMaxLength(31).filter(s -> !s.startsWith("-"));
        return Combinators.combine(name, Arbitraries.of(SetType.values()), Arbitraries.longs(), Arbitraries.integers().between(0, 65535),
                Arbitraries.integers().between(0, 40)).as(IpsetFormatTest::build);
    }

    static IpSet build(String name, SetType type, long bits, int from, int count) {
        java.util.Random r = new java.util.Random(bits);
        boolean timeout = r.nextInt(4) == 0, counters = r.nextInt(4) == 0, comment = r.nextInt(3) == 0;
        LinkedHashMap<String, String> o = new LinkedHashMap<>();
        int to = Math.min(65535, from + r.nextInt(200));
        if (type == SetType.BITMAP_PORT) o.put("range", from + "-" + to);
        else {
            o.put("family", "inet");
            o.put("hashsize", Integer.toString(64 << r.nextInt(6)));
            // at least as many as the entries: a fuller set is refused ("Hash is full"), as the kernel does
            o.put("maxelem", Integer.toString(Math.max(count, 1 + r.nextInt(100000))));
        }
        if (timeout) o.put("timeout", Integer.toString(r.nextInt(1000)));
        if (counters) o.put("counters", "");
        if (comment) o.put("comment", "");
        if (type != SetType.BITMAP_PORT) {
            o.put("bucketsize", "12");
            if (r.nextBoolean()) o.put("initval", String.format("0x%08x", r.nextInt()));
        }
        Map<List<SetElem>, SetEntry> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            List<SetElem> k = new ArrayList<>();
            for (SetType.Dim d : type.dims()) {
                switch (d) {
                    case IP -> k.add(new SetElem.Net(Prefix.host(new Ipv4(r.nextInt()))));
                    case NET -> k.add(new SetElem.Net(new Prefix(new Ipv4(r.nextInt()), 1 + r.nextInt(32)).network()));
                    case PORT -> {
                        if (type == SetType.BITMAP_PORT) k.add(new SetElem.Port(Protocol.TCP, from + r.nextInt(to - from + 1)));
                        else k.add(switch (r.nextInt(6)) {
                            case 0 -> new SetElem.Port(Protocol.UDP, r.nextInt(65536));
                            case 1 -> new SetElem.Port(Protocol.SCTP, r.nextInt(65536));
                            case 2 -> new SetElem.Port(Protocol.ICMP, (r.nextInt(256) << 8) | r.nextInt(256));
                            case 3 -> new SetElem.Port(Protocol.GRE, 0);
                            default -> new SetElem.Port(Protocol.TCP, r.nextInt(65536));
                        });
                    }
                }
            }
            Long t = timeout ? (long) r.nextInt(2147484) : null;
            String c = comment && r.nextBoolean() ? "c " + r.nextInt(1000) + " x-y" : null;
            boolean nomatch = type.dims().contains(SetType.Dim.NET) && r.nextInt(4) == 0;
            entries.put(k, new SetEntry(k, t, c, nomatch));
        }
        List<SetEntry> l = new ArrayList<>(entries.values());
        if (type == SetType.BITMAP_PORT) l.sort(Comparator.comparingInt(e -> ((SetElem.Port) e.elems().get(0)).port()));
        return new IpSet(name, type, o, l);
    }

    @Property(tries = 300)
    void saveReadsBackWhatItWrote(@ForAll("setLists") List<IpSet> sets) {
        String text = IpsetSave.write(sets);
        LinkedHashMap<String, IpSet> back = IpsetSave.read(text, "gen");
        assertEquals(sets, new ArrayList<>(back.values()));
        assertEquals(text, IpsetSave.write(back.values()));
    }

    // ---------------------------------------------------------------- fuzz

    @Test
    void fuzzSaveReaderOnlyEverThrowsParseError() {
        List<String> seeds = List.of(REAL, IpsetSave.write(List.of(build("s", SetType.HASH_IP_PORT_NET, 7, 5, 6))),
                IpsetSave.write(List.of(build("t", SetType.HASH_NET_PORT, 9, 5, 6), build("u", SetType.BITMAP_PORT, 3, 100, 5))));
        Fuzz.run(seeds, 16000, 42, in -> IpsetSave.read(in, "fuzz"));
    }

    @Test
    void fuzzCommandsGiveDiagnosticsOrParseErrors() {
        List<String> seeds = List.of("create s hash:ip,port timeout 10 comment counters", "add s 10.0.0.1,tcp:80 timeout 5 comment \"x\"",
                "add s 10.0.0.0/30,80-82 -exist", "del s 10.0.0.1,udp:53", "create n hash:net,port", "add n 10.0.0.0/8,icmp:ping nomatch",
                "create b bitmap:port range 30000-32767", "add b 30000-30010", "swap s n", "rename s t", "destroy", "flush n",
                "create i hash:ip netmask 24 hashsize 100 maxelem 10", "add i 10.0.0.1-10.0.0.9", "create p hash:ip,port,net",
                "add p 1.1.1.1,sctp:9,10.0.0.0/24 nomatch", "test n 10.0.0.1,icmp:8/0", "create q hash:ip,port,ip",
                "add q 1.1.1.1,gre:0,2.2.2.2");
        IpsetCommand c = new IpsetCommand();
        HostConfigBuilder[] h = {new HostConfigBuilder()};
        int[] n = {0};
        Fuzz.run(seeds, 16000, 7, in -> {
            if (n[0]++ % 200 == 0) h[0] = new HostConfigBuilder();
            SourceRef w = SourceRef.of("fuzz", n[0]);
            c.apply(h[0], ShellWords.split(in.replace('\n', ' '), w), w);
        });
    }

    @Test
    void restoreStopsAtTheFirstErrorAndKeepsEarlierLines() {
        Map<String, IpSet> sets = new LinkedHashMap<>();
        var d = IpsetSave.restore(sets, "create a hash:ip\nadd a 1.1.1.1\nadd a 1.1.1.1\nadd a 2.2.2.2\n", "r", false);
        assertEquals("Error in line 3: Element cannot be added to the set: it's already added", d.get().message());
        assertEquals(1, sets.get("a").entries().size());
        Set<String> names = new LinkedHashSet<>(sets.keySet());
        assertEquals(Set.of("a"), names);
        assertTrue(IpsetSave.restore(sets, "add a 1.1.1.1\nadd a 2.2.2.2\n", "r", true).isEmpty());
        assertEquals(2, sets.get("a").entries().size());
    }
}
