package io.fnlab.sim.explain;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fnlab.model.scenario.Scenario;
import io.fnlab.sim.net.FlowResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Loads the HTML page of a fullnat flow in headless Chromium: the DOM Chromium builds has one
 * lane per host and one arrow per packet hop of the simulated flow, and a screenshot is kept
 * under target/explain-artifacts/ for people to look at.
 */
@Tag("browser")
class SequenceDiagramBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static List<String> baseArgs(Path profile) {
        return new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
    }

    /** Runs Chromium; its stdout (the DOM for --dump-dom). Generous limit: a hung browser fails the test, not the build. */
    private static String chromium(List<String> args, Path log) throws IOException, InterruptedException {
        Path out = Files.createTempFile("fnlab-chromium", ".out");
        try {
            Process p = new ProcessBuilder(args).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("chromium did not finish in 120 s; " + log);
            }
            assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(log));
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) return;
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void chromiumRendersOneLanePerHostAndOneArrowPerHop() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (apt-get install -y chromium)");
        Scenario s = Library.read("seed000-fullnat");
        FlowResult r = Flows.runScenarioFlow(s, null);
        Path dir = Path.of("target", "explain-artifacts").toAbsolutePath();
        Files.createDirectories(dir);
        Path page = dir.resolve("seed000-fullnat.html");
        Files.writeString(page, SequenceDiagram.html(r, s));
        Path profile = Files.createTempDirectory("fnlab-chromium-profile");
        try {
            List<String> dump = baseArgs(profile);
            dump.add("--dump-dom");
            dump.add(page.toUri().toString());
            String dom = chromium(dump, dir.resolve("chromium-dump.log"));
            assertTrue(dom.contains("<svg"), "the DOM has the diagram: " + dom.substring(0, Math.min(500, dom.length())));
            assertEquals(List.of("client", "director", "router", "rs1"), attributes(dom, "lane", "data-lane"));
            List<String> hops = attributes(dom, "hop", "data-hop");
            int expected = SequenceDiagramTest.packetHops(r);
            assertEquals(expected, hops.size());
            for (int i = 0; i < hops.size(); i++) assertEquals(Integer.toString(i + 1), hops.get(i));

            Path png = dir.resolve("seed000-fullnat.png");
            Files.deleteIfExists(png);
            List<String> shot = baseArgs(profile);
            shot.add("--screenshot=" + png);
            shot.add("--window-size=1400,900");
            shot.add(page.toUri().toString());
            chromium(shot, dir.resolve("chromium-screenshot.log"));
            assertTrue(Files.size(png) > 1000, "screenshot " + png + " is " + Files.size(png) + " bytes");
            byte[] head = Files.readAllBytes(png);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, java.util.Arrays.copyOf(head, 8),
                    "a PNG");
        } finally {
            deleteTree(profile);
        }
    }

    /** The values of attr on every element of the DOM whose class is cls, in document order. */
    private static List<String> attributes(String dom, String cls, String attr) {
        List<String> l = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<g class=\"" + cls + "\"[^>]*?\\s" + attr + "=\"([^\"]*)\"").matcher(dom);
        while (m.find()) l.add(m.group(1));
        return l;
    }
}
