package io.fnlab.model.format.ipvsadm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.Fuzz;
import io.fnlab.model.ipvs.ForwardMethod;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.ipvs.RealServer;
import io.fnlab.model.ipvs.ServiceKey;
import io.fnlab.model.ipvs.VirtualService;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class IpvsadmFormatTest {
    static String run(HostConfigBuilder h, String line) {
        return new IpvsadmCommand().apply(h, List.of(line.trim().split(" +")), SourceRef.of("t", 1))
                .map(d -> d.message()).orElse(null);
    }

    static IpvsConfig sample() {
        HostConfigBuilder h = new HostConfigBuilder();
        for (String l : List.of("-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.12:8080 -m -w 3",
                "-a -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 0", "-A -u 10.0.0.1:53 -s sh -b sh-port,flag-1",
                "-a -u 10.0.0.1:53 -r 192.168.1.5 -i", "-A -f 7 -s wlc -p -M 255.255.255.0", "-a -f 7 -r 192.168.1.9:0 -g -w 5",
                "-A -t 10.0.0.1:443 -s mh -b mh-fallback -p 600", "--set 100 20 30"))
            assertEquals(null, run(h, l), l);
        return h.ipvs.toConfig();
    }

    @Test
    void listingIsByteExactAndSortedLikeIpvsadm() {
        String expect = IpvsadmList.HEADER
                + "TCP  10.0.0.1:80 rr\n"
                + "  -> 192.168.1.2:8080             Masq    0      0          0         \n"
                + "  -> 192.168.1.12:8080            Masq    3      0          0         \n"
                + "TCP  10.0.0.1:443 mh (mh-fallback) persistent 600\n"
                + "UDP  10.0.0.1:53 sh (sh-fallback,sh-port)\n"
                + "  -> 192.168.1.5:53               Tunnel  1      0          0         \n"
                + "FWM  7 wlc persistent 300 mask 255.255.255.0\n"
                + "  -> 192.168.1.9:0                Route   5      0          0         \n";
        IpvsConfig c = sample();
        assertEquals(expect, IpvsadmList.write(c));
        assertEquals(expect, IpvsadmList.write(IpvsadmList.read(expect, "l")));
        assertEquals(new IpvsConfig.Timeouts(100, 20, 30), c.timeouts());
    }

    @Test
    void saveIsByteExact() {
        String expect = """
                -A -t 10.0.0.1:80 -s rr
                -a -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 0
                -a -t 10.0.0.1:80 -r 192.168.1.12:8080 -m -w 3
                -A -t 10.0.0.1:443 -s mh -p 600 -b mh-fallback
                -A -u 10.0.0.1:53 -s sh -b sh-fallback,sh-port
                -a -u 10.0.0.1:53 -r 192.168.1.5:53 -i -w 1 --tun-type ipip
                -A -f 7 -s wlc -p 300 -M 255.255.255.0
                -a -f 7 -r 192.168.1.9:0 -g -w 5
                """;
        assertEquals(expect, IpvsadmSave.write(sample()));
        assertEquals(expect, IpvsadmSave.write(IpvsadmSave.read(expect, "s")));
    }

    @Test
    void kernelOrderPutsTheNewestServerFirstAndRestoreReversesIt() {
        IpvsConfig c = sample();
        VirtualService v = c.services().get(0);
        assertEquals("192.168.1.2", v.servers().get(0).address().toString());
        assertEquals("192.168.1.12", v.servers().get(1).address().toString());
        IpvsState st = new IpvsState();
        IpvsadmSave.restore(st, IpvsadmSave.write(c, true), "s");
        assertEquals("192.168.1.12", st.toConfig().services().get(0).servers().get(0).address().toString());
        // --nosort listing shows the kernel's order
        assertTrue(IpvsadmList.write(c, true).indexOf("192.168.1.2:") < IpvsadmList.write(c, true).indexOf("192.168.1.12:"));
    }

    @Test
    void sortUsesIpvsadmsWrappingCompare() {
        // ntohl(a) - ntohl(b) read as int: 200.0.0.1 sorts before 1.0.0.1 (difference over 2^31)
        HostConfigBuilder h = new HostConfigBuilder();
        run(h, "-A -t 10.0.0.1:80");
        run(h, "-a -t 10.0.0.1:80 -r 1.0.0.1 -m");
        run(h, "-a -t 10.0.0.1:80 -r 200.0.0.1 -m");
        String l = IpvsadmList.write(h.ipvs.toConfig());
        assertTrue(l.indexOf("200.0.0.1") < l.indexOf("1.0.0.1:"), l);
    }

    @Test
    void errorsAreIpvsadmsMessages() {
        HostConfigBuilder h = new HostConfigBuilder();
        assertEquals(null, run(h, "-A -t 10.0.0.1:80 -s rr"));
        assertEquals("Service already exists", run(h, "-A -t 10.0.0.1:80 -s rr"));
        assertEquals("No such service", run(h, "-E -t 10.0.0.2:80 -s rr"));
        assertEquals("No such service", run(h, "-D -t 10.0.0.2:80"));
        assertEquals("Service not defined", run(h, "-a -t 10.0.0.2:80 -r 1.1.1.1"));
        assertEquals(null, run(h, "-a -t 10.0.0.1:80 -r 1.1.1.1 -g"));
        assertEquals("Destination already exists", run(h, "-a -t 10.0.0.1:80 -r 1.1.1.1:80"));
        assertEquals("No such destination", run(h, "-e -t 10.0.0.1:80 -r 1.1.1.2"));
        assertEquals("No such destination", run(h, "-d -t 10.0.0.1:80 -r 1.1.1.2"));
        assertEquals("Scheduler or persistence engine not found", run(h, "-A -t 10.0.0.3:80 -s foo"));
        assertEquals("Numerical result out of range", run(h, "-a -t 10.0.0.1:80 -r 1.1.1.3 -x 5 -y 9"));
        assertEquals(IpvsFailure.EINVAL, run(h, "-a -t 10.0.0.1:80 -r 224.0.0.1"));
        assertEquals("You need to supply the 'service-address' option for the 'add-service' command", run(h, "-A -s rr"));
        assertEquals("Illegal 'real-server' option with the 'add-service' command", run(h, "-A -t 10.0.0.4:80 -r 1.1.1.1"));
        assertEquals("You need to supply the 'real-server' option for the 'add-server' command", run(h, "-a -t 10.0.0.1:80"));
        assertEquals("multiple commands specified", run(h, "-A -a -t 10.0.0.1:80"));
        assertEquals("multiple 'scheduler' options specified", run(h, "-A -t 10.0.0.5:80 -s rr -s wrr"));
        assertEquals("illegal weight specified", run(h, "-a -t 10.0.0.1:80 -r 1.1.1.4 -w 70000"));
        assertEquals("illegal virtual server address[:port] specified", run(h, "-A -t 10.0.0.999:80"));
        assertEquals("Zero port specified for non-persistent service", run(h, "-A -t 10.0.0.6:0"));
        assertEquals("invalid fwmark value `0' specified", run(h, "-A -f 0"));
        assertEquals("invalid timeout value `0' specified", run(h, "-A -t 10.0.0.7:80 -p 0"));
        assertEquals("incompatible scheduler flag `sh-port'", run(h, "-A -t 10.0.0.8:80 -s rr -b sh-port"));
        assertEquals("invalid scheduler flag `foo'", run(h, "-A -t 10.0.0.8:80 -s sh -b foo"));
        assertEquals("--set option requires 3 timeout values", run(h, "--set 1 2"));
        assertEquals("unexpected argument 4", run(h, "--set 1 2 3 4"));
        assertEquals("-z: unknown option", run(h, "-A -z"));
        assertEquals("-t: missing argument", run(h, "-A -t"));
        assertEquals("Try `ipvsadm -h' or 'ipvsadm --help' for more information.", run(h, "-t 10.0.0.1:80 -A"));
        assertEquals(null, run(h, "-Ln"));
        assertEquals(null, run(h, "-L -n -t 10.0.0.1:80"));
        assertEquals("No such service", run(h, "-L -n -t 10.0.0.9:80"));
        assertEquals(null, run(h, "--add-service --tcp-service=10.0.0.10:80 --scheduler wrr --persistent"));
        assertEquals(300, h.ipvs.toConfig().services().get(1).persistence());
        assertEquals(null, run(h, "-E -t 10.0.0.10:80"));
        assertEquals("wlc", h.ipvs.toConfig().services().get(1).scheduler(), "-E without -s resets to the default scheduler");
        assertEquals(null, run(h, "-C"));
        assertEquals(0, h.ipvs.toConfig().services().size());
        assertThrows(ParseError.class, () -> run(h, "-R"));
        assertThrows(ParseError.class, () -> run(h, "-A -t [::1]:80"));
    }

    @Test
    void drAndTunnelServersTakeTheServicePort() {
        HostConfigBuilder h = new HostConfigBuilder();
        run(h, "-A -t 10.0.0.1:80");
        run(h, "-a -t 10.0.0.1:80 -r 1.1.1.1:8080 -g");
        run(h, "-a -t 10.0.0.1:80 -r 1.1.1.2:8080 -m");
        List<RealServer> s = h.ipvs.toConfig().services().get(0).servers();
        assertEquals(8080, s.get(0).port());
        assertEquals(80, s.get(1).port());
    }

    @Test
    void tenThousandServicesOfFiveServers() {
        IpvsState st = new IpvsState();
        for (int i = 0; i < 10000; i++) {
            ServiceKey k = ServiceKey.tcp(new Ipv4(0x0a000000 + i), 80);
            st.addService(new VirtualService(k, "rr", Set.of(), null, null, List.of()));
            for (int j = 0; j < 5; j++) st.addServer(k, new RealServer(new Ipv4(0xc0a80000 + j), 80, ForwardMethod.MASQ, 1, 0, 0));
        }
        IpvsConfig c = st.toConfig();
        assertEquals(10000, c.services().size());
        assertEquals(c, IpvsState.from(c).toConfig());
        assertEquals(c.services().size(), IpvsadmSave.read(IpvsadmSave.write(c), "big").services().size());
    }

    // ------------------------------------------------------------ round trip

    @Provide
    Arbitrary<IpvsConfig> configs() {
        return Arbitraries.longs().map(IpvsadmFormatTest::config);
    }

    static IpvsConfig config(long seed) {
        Random r = new Random(seed);
        Map<ServiceKey, VirtualService> svcs = new LinkedHashMap<>();
        int n = r.nextInt(6);
        List<String> scheds = new ArrayList<>(IpvsState.SCHEDULERS);
        java.util.Collections.sort(scheds);
        for (int i = 0; i < n; i++) {
            ServiceKey k = switch (r.nextInt(4)) {
                case 0 -> ServiceKey.fwmark(1 + (r.nextLong() & 0xffffffffL) % 4294967295L);
                case 1 -> ServiceKey.udp(new Ipv4(r.nextInt()), 1 + r.nextInt(65535));
                case 2 -> new ServiceKey(Protocol.SCTP, new Ipv4(r.nextInt()), 1 + r.nextInt(65535), 0);
                default -> ServiceKey.tcp(new Ipv4(r.nextInt()), 1 + r.nextInt(65535));
            };
            String sched = scheds.get(r.nextInt(scheds.size()));
            Set<String> flags = new LinkedHashSet<>();
            if (r.nextInt(3) == 0) for (String f : List.of("flag-1", "flag-2", "flag-3")) if (r.nextBoolean()) flags.add(IpvsadmCommand.canonical(sched, f));
            Integer pers = r.nextInt(3) == 0 ? 1 + r.nextInt(86400 * 31) : null;
            Ipv4 mask = pers != null && r.nextBoolean() ? new Ipv4(r.nextInt()) : null;
            Map<Long, RealServer> servers = new LinkedHashMap<>();
            for (int j = r.nextInt(5); j > 0; j--) {
                Ipv4 a = new Ipv4(0x0a000000 | r.nextInt(1 << 24) | 1);
                ForwardMethod m = ForwardMethod.values()[r.nextInt(3)];
                int port = m == ForwardMethod.MASQ || k.isFwmark() ? r.nextInt(65536) : k.port();
                servers.put(((long) a.bits() << 16) | port, new RealServer(a, port, m, r.nextInt(65536), 0, 0));
            }
            svcs.put(k, new VirtualService(k, sched, flags, pers, mask, new ArrayList<>(servers.values())));
        }
        return new IpvsConfig(new ArrayList<>(svcs.values()), IpvsConfig.Timeouts.DEFAULT, List.of());
    }

    @Property(tries = 300)
    void saveAndListReadBackWhatTheyWrote(@ForAll("configs") IpvsConfig c) {
        assertEquals(c, IpvsadmSave.read(IpvsadmSave.write(c, true), "s"));
        // ipvsadm's compare is not transitive (wrapping differences), so sorting the sorted
        // output again may move entries: compare contents, not order
        assertEquals(unordered(c), unordered(IpvsadmSave.read(IpvsadmSave.write(c), "s")));
        IpvsConfig listed = IpvsadmList.read(IpvsadmList.write(c, true), "l");
        assertEquals(c, listed);
        assertEquals(unordered(c), unordered(IpvsadmList.read(IpvsadmList.write(c), "l")));
    }

    static Map<ServiceKey, Set<Object>> unordered(IpvsConfig c) {
        Map<ServiceKey, Set<Object>> m = new java.util.HashMap<>();
        for (VirtualService v : c.services()) {
            Set<Object> s = new java.util.HashSet<>(v.servers());
            s.add(v.withServers(List.of()));
            m.put(v.key(), s);
        }
        return m;
    }

    @Property(tries = 200)
    void scriptReadsBackWhatItWrote(@ForAll("configs") IpvsConfig c) {
        Random r = new Random(c.hashCode());
        IpvsConfig x = new IpvsConfig(c.services(), r.nextBoolean() ? IpvsConfig.Timeouts.DEFAULT
                : new IpvsConfig.Timeouts(1 + r.nextInt(1000), 1 + r.nextInt(1000), 1 + r.nextInt(1000)),
                r.nextBoolean() ? List.of() : List.of("ip_vs", "ip_vs_rr"));
        assertEquals(x, IpvsadmScript.read(IpvsadmScript.write(x), "script"));
    }

    @Test
    void seed001ScriptReads() {
        IpvsConfig c = IpvsadmScript.read("""
                # /etc/sysconfig/ipvsadm
                modprobe ip_vs
                modprobe ip_vs_rr
                ipvsadm -C
                ipvsadm -A -t 192.168.1.100:80 -s rr
                ipvsadm -a -t 192.168.1.100:80 -r 192.168.1.10:80 -g
                ipvsadm -a -t 192.168.1.100:80 -r 192.168.1.11:80 -g
                """, "/etc/ipvsadm.conf");
        assertEquals(List.of("ip_vs", "ip_vs_rr"), c.modules());
        assertEquals(c, IpvsadmScript.read(IpvsadmScript.write(c), "again"));
        ParseError e = assertThrows(ParseError.class, () -> IpvsadmScript.read("ipvsadm -A -t 1.1.1.1:80\nipvsadm -A -t 1.1.1.1:80\n", "f"));
        assertEquals(2, e.where().line());
        assertEquals("ipvsadm: Service already exists", e.problem());
    }

    // ------------------------------------------------------------ fuzz

    @Test
    void fuzzSaveListAndCommands() {
        List<String> saves = new ArrayList<>(), lists = new ArrayList<>();
        for (long s = 1; s < 6; s++) {
            saves.add(IpvsadmSave.write(config(s)));
            lists.add(IpvsadmList.write(config(s)));
        }
        saves.add(IpvsadmSave.write(sample()));
        lists.add(IpvsadmList.write(sample()));
        Fuzz.run(saves, 16000, 1, in -> IpvsadmSave.read(in, "fuzz"));
        Fuzz.run(lists, 16000, 2, in -> IpvsadmList.read(in, "fuzz"));
        List<String> cmds = new ArrayList<>(List.of("-A -t 10.0.0.1:80 -s rr -p 300 -M 255.255.255.0", "-a -t 10.0.0.1:80 -r 1.1.1.1:8080 -m -w 5 -x 10 -y 2",
                "-E -u 10.0.0.1:53 -s sh -b sh-port", "-D -f 5", "-e -f 5 -r 2.2.2.2 -i", "--set 900 120 300", "-Ln --nosort", "-C",
                "--add-server --tcp-service=10.0.0.1:80 --real-server=3.3.3.3:80 --masquerading --weight=2", "-d -t 10.0.0.1:80 -r 1.1.1.1:8080"));
        HostConfigBuilder[] h = {new HostConfigBuilder()};
        int[] n = {0};
        IpvsadmCommand c = new IpvsadmCommand();
        Fuzz.run(cmds, 16000, 3, in -> {
            if (n[0]++ % 300 == 0) h[0] = new HostConfigBuilder();
            SourceRef w = SourceRef.of("fuzz", n[0]);
            c.apply(h[0], io.fnlab.model.format.shell.ShellWords.split(in.replace('\n', ' '), w), w);
        });
        List<String> scripts = List.of(IpvsadmScript.write(sample()), IpvsadmScript.write(config(9)));
        Fuzz.run(scripts, 16000, 5, in -> IpvsadmScript.read(in, "fuzz"));
        ModprobeCommand m = new ModprobeCommand();
        Fuzz.run(List.of("ip_vs", "-q ip_vs_rr", "-a ip_vs_wrr ip_vs_sh", "-r ip_vs"), 2000, 4, in -> {
            SourceRef w = SourceRef.of("fuzz", 1);
            m.apply(h[0], io.fnlab.model.format.shell.ShellWords.split(in.replace('\n', ' '), w), w);
        });
    }
}
