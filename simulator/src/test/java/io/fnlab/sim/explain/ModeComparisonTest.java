package io.fnlab.sim.explain;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.scenario.Outcome;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModeComparisonTest {
    static List<ModeComparison.Column> cols;

    @BeforeAll
    static void run() {
        cols = ModeComparison.run(Library.dir());
    }

    private static ModeComparison.Column col(ModeComparison.Mode m) {
        return cols.stream().filter(c -> c.mode() == m).findFirst().orElseThrow();
    }

    @Test
    void everyModeEstablishesTheFirstFlow() {
        assertEquals(4, cols.size());
        for (ModeComparison.Column c : cols) {
            assertEquals(Outcome.ESTABLISHED, c.result().outcome(), c.mode().name());
            assertEquals("director", c.director());
        }
    }

    @Test
    void whatTheRealServerSees() {
        assertEquals("172.16.0.10", col(ModeComparison.Mode.NAT).result().serverView().src().toString());
        assertEquals("10.0.0.12", col(ModeComparison.Mode.NAT).result().serverView().dst().toString());
        assertEquals("172.16.0.100", col(ModeComparison.Mode.DR).result().serverView().dst().toString());
        assertEquals("172.16.0.100", col(ModeComparison.Mode.TUN).result().serverView().dst().toString());
        assertEquals("10.0.0.1", col(ModeComparison.Mode.FULLNAT).result().serverView().src().toString());
    }

    @Test
    void rewritesAndPathsDifferAsTheModesDo() {
        assertEquals(List.of("none: no address or port is rewritten"), col(ModeComparison.Mode.DR).rewrites());
        assertEquals(2, col(ModeComparison.Mode.NAT).rewrites().size(), col(ModeComparison.Mode.NAT).rewrites().toString());
        assertEquals(4, col(ModeComparison.Mode.FULLNAT).rewrites().size(), col(ModeComparison.Mode.FULLNAT).rewrites().toString());
        assertTrue(col(ModeComparison.Mode.DR).reply().contains("never passes director"));
        assertTrue(col(ModeComparison.Mode.TUN).reply().contains("never passes director"));
        assertFalse(col(ModeComparison.Mode.NAT).reply().contains("never passes director"));
        assertTrue(col(ModeComparison.Mode.NAT).reply().stream().anyMatch(l -> l.contains("FORWARD 100 ip_vs_out_hook")));
    }

    @Test
    void textIsSideBySide() {
        String t = ModeComparison.text(cols);
        String header = t.lines().filter(l -> l.startsWith("NAT (masq")).findFirst().orElseThrow();
        int nat = header.indexOf("NAT (masq"), dr = header.indexOf("DR ("), tun = header.indexOf("TUN ("), full = header.indexOf("fullnat (");
        assertTrue(nat == 0 && dr > nat && tun > dr && full > tun, header);
        assertTrue(t.contains("== requirements"), t);
        String html = ModeComparison.html(cols);
        assertEquals(4, html.split("<th data-mode=", -1).length - 1);
        assertFalse(html.contains("<script"));
    }

    @Test
    void wrapKeepsWordsAndWidth() {
        List<String> w = ModeComparison.wrap("aaaa bbbb cccc dddd", 10);
        assertEquals(List.of("aaaa bbbb", "  cccc", "  dddd"), w);
        for (String l : ModeComparison.wrap(" x".repeat(50), 12)) assertTrue(l.length() <= 12, l);
    }
}
