package io.fnlab.model.format.scenario;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.net.Ipv4;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.route.Address;
import io.fnlab.model.route.Route;
import io.fnlab.model.scenario.Expectation;
import io.fnlab.model.scenario.Interface;
import io.fnlab.model.scenario.Traffic;
import java.util.HashMap;
import java.util.Map;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.scenario.ExpectedCause;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file in scenarios/ parses and says what it teaches and what verdict it expects. The tool
 * models used here are the test fakes (FakeTools), so this checks structure, references and
 * the shell layer; the real iptables/ipset/ipvsadm/ip/sysctl models check the commands
 * themselves once they are merged.
 */
class ScenarioLibraryTest {
    @TestFactory
    Stream<DynamicTest> everyScenarioParses() {
        List<Path> files = Library.files();
        assertTrue(files.size() >= 15, "library: " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Scenario s;
            try {
                s = ScenarioReader.read(f);
            } catch (ParseError e) {
                throw new AssertionError(e.getMessage(), e);
            }
            String base = f.getFileName().toString().replace(".yaml", "");
            assertEquals(base, s.name(), "name matches the file");
            assertFalse(s.teaches().isBlank(), "states what it teaches");
            assertFalse(s.description().isBlank(), "has a description");
            assertTrue(s.expectedVerdict().equals("holds") || s.expectedVerdict().equals("fails"));
            assertEquals(s.expectedVerdict().equals("fails"), !s.expectedCauses().isEmpty());
            assertFalse(s.traffic().isEmpty(), "runs some traffic");
            assertFalse(s.expectations().isEmpty(), "expects something");
            for (Host h : s.hosts())
                for (Diagnostic d : h.config().diagnostics())
                    if (d.severity() == Diagnostic.Severity.ERROR)
                        assertEquals("fails", s.expectedVerdict(), "a command fails in a scenario that should hold: " + d);
        }));
    }

    /**
     * The topology of every library file makes sense: addresses unique per host on ethernet,
     * every gateway a neighbour's address on the segment of a connected prefix, every flow's
     * destination owned by some host and reachable from its client by a connected prefix or a
     * route, every served-by host running a server on the expected endpoint.
     */
    @TestFactory
    Stream<DynamicTest> topologyMakesSense() {
        return Library.files().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Scenario s = ScenarioReader.read(f);
            Map<Ipv4, String> ethOwner = new HashMap<>();
            Map<Ipv4, String> anyOwner = new HashMap<>();
            for (Host h : s.hosts())
                for (Address a : h.config().addresses()) {
                    anyOwner.putIfAbsent(a.prefix().address(), h.name());
                    if (iface(h, a.device()).kind() != Interface.Kind.ETHERNET) continue;
                    String prev = ethOwner.put(a.prefix().address(), h.name());
                    assertTrue(prev == null || prev.equals(h.name()), a + " on " + h.name() + " and " + prev);
                }
            for (Host h : s.hosts())
                for (Route r : h.config().routes()) {
                    if (r.via() == null) continue;
                    Address on = connected(h, r.via());
                    assertNotNull(on, h.name() + ": gateway " + r.via() + " is not on a connected ethernet prefix");
                    String seg = iface(h, on.device()).segment();
                    String gw = ethOwner.get(r.via());
                    assertNotNull(gw, h.name() + ": no host has gateway " + r.via());
                    Host g = s.host(gw).orElseThrow();
                    assertTrue(g.config().addresses().stream().anyMatch(a -> a.prefix().address().equals(r.via())
                            && seg.equals(iface(g, a.device()).segment())), gw + " is not on segment " + seg);
                }
            for (Traffic t : s.traffic()) {
                Traffic.Flow fl = (Traffic.Flow) t;
                Ipv4 dst = fl.to().address();
                assertNotNull(anyOwner.get(dst), fl.id() + ": no host owns " + dst);
                Host c = s.host(fl.from()).orElseThrow();
                boolean reachable = connected(c, dst) != null
                        || c.config().routes().stream().anyMatch(r -> r.destination().contains(dst));
                assertTrue(reachable, fl.id() + ": " + c.name() + " has no route to " + dst);
            }
            for (Expectation e : s.expectations())
                if (e instanceof Expectation.ServedBy sb) {
                    assertTrue(s.servers().stream().anyMatch(v -> v.host().equals(sb.host())), sb.host() + " runs no server");
                    if (sb.server() != null) {
                        assertEquals(sb.host(), anyOwner.get(sb.server().address()), "endpoint " + sb.server());
                        assertTrue(s.servers().stream().anyMatch(v -> v.host().equals(sb.host()) && v.port() == sb.server().port()),
                                sb.host() + " has no server on " + sb.server());
                    }
                }
        }));
    }

    private static Interface iface(Host h, String name) {
        return h.interfaces().stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(h.name() + " has no interface " + name));
    }

    /** The ethernet address of h whose prefix holds a (a directly connected neighbour), or null. */
    private static Address connected(Host h, Ipv4 a) {
        return h.config().addresses().stream()
                .filter(x -> iface(h, x.device()).kind() == Interface.Kind.ETHERNET && x.prefix().length() < 32
                        && x.prefix().contains(a))
                .findFirst().orElse(null);
    }

    @Test
    void publishedSeed000ShowsItsTwoFailingCommands() {
        Scenario s = ScenarioReader.read(Library.dir().resolve("seed000-published.yaml"));
        List<Diagnostic> errors = s.host("director").orElseThrow().config().diagnostics().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        int lvs = ScenarioReaderTest.lineOf(Library.dir().resolve("seed000-published.yaml"), "--comment \"proxy snat\" -j LVS_PROXY_CHAIN");
        int kue = ScenarioReaderTest.lineOf(Library.dir().resolve("seed000-published.yaml"), "iptables -t nat -I KUE-SERVICES");
        assertEquals(List.of(lvs, kue), errors.stream().map(d -> d.where().line()).toList());
        assertEquals(List.of("LVS_PROXY_CHAIN", "KUE-SERVICES", "0x4000", "net.ipv4.vs.conntrack=0"),
                s.expectedCauses().stream().map(ExpectedCause::subject).toList());
        // the article's verification curl is reported, not silently dropped
        assertTrue(s.host("director").orElseThrow().config().diagnostics().stream()
                .anyMatch(d -> d.tool().equals("curl") && d.severity() == Diagnostic.Severity.INFO));
        assertEquals("0", s.host("director").orElseThrow().config().sysctls().get("net.ipv4.vs.conntrack", "0"));
    }

    @Test
    void theDefaultScenarioSetsWhatFullnatNeeds() {
        Scenario s = ScenarioReader.read(Library.dir().resolve("seed000-fullnat.yaml"));
        Host d = s.host("director").orElseThrow();
        assertEquals(1, d.config().sysctls().getInt("net.ipv4.vs.conntrack", 0));
        assertEquals(1, d.config().sysctls().getInt("net.ipv4.ip_forward", 0));
        assertTrue(d.config().diagnostics().stream().noneMatch(x -> x.severity() == Diagnostic.Severity.ERROR));
    }
}
