package io.fnlab.model.format.scenario;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.model.parse.ParseError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated and truncated scenario files must give a Scenario or a ParseError with a location,
 * never another exception: the CLI prints ParseErrors and treats anything else as a bug.
 */
class ScenarioFuzzTest {
    private static final int CASES_PER_SEED_MIN = 600;
    private static final int TOTAL = 12_000;
    private static final String[] TOKENS = {":", "- ", " ", "\"", "'", "|", ">", "{", "}", "[", "]", ",", "#", "&", "*",
            "!", "%", "@", "`", "\n", "\t", "\\", "$VAR", "&&", ";", "0", "65536", "-1", "999999999999", "true", "null",
            "~", "10.1.1.1", "10.1.1.1/33", "1.2.3.4:80", "kind: nft", "file: ../../etc/passwd", "file: /nonexistent",
            "text: |\n  ipvsadm -A", "segment: nowhere", "from: nobody", "flow: nope", "outcome: maybe", "\u00e9",
            "\u0000", "\uFEFF", "---\n", "...\n", "? ", "!!binary ", "<<: ", "&a ", "*a"};

    @Test
    void onlyParseErrors() throws IOException {
        List<Path> seeds = new ArrayList<>(Library.files());
        seeds.add(null); // the minimal scenario of ScenarioReaderTest
        int perSeed = Math.max(CASES_PER_SEED_MIN, TOTAL / seeds.size() + 1);
        Random r = new Random(20261122);
        int cases = 0, parsed = 0;
        for (Path seed : seeds) {
            String text = seed == null ? ScenarioReaderTest.MINIMAL : Files.readString(seed);
            Path as = seed == null ? Library.dir().resolve("fuzz-minimal.yaml") : seed;
            for (int k = 0; k < perSeed; k++) {
                String m = mutate(text, r);
                cases++;
                try {
                    ScenarioReader.parse(m, as);
                    parsed++;
                } catch (ParseError e) {
                    assertNotNull(e.where().file());
                    assertTrue(e.where().line() >= 1, () -> "no line in: " + e + "\n--- input:\n" + m);
                    assertNotNull(e.problem());
                } catch (Throwable t) {
                    fail("not a ParseError: " + t + "\n--- input:\n" + m, t);
                }
            }
        }
        assertTrue(cases >= 10_000, "cases: " + cases);
        // mutations that keep the file valid exist (comments, whitespace), but most must fail
        assertTrue(parsed < cases, "every mutation parsed: the fuzzer does not reach the checks");
    }

    @Test
    void scriptsGiveOnlyParseErrors() {
        String seed = """
                # /etc/sysconfig/ipvsadm
                [root@master02 ~]# ipvsadm -A -t 100.222.111.1:8000 -s rr
                sudo modprobe ip_vs >/dev/null 2>&1 && sysctl -w net.ipv4.vs.conntrack=1 || echo failed
                iptables -t nat -I PREROUTING -m comment --comment "proxy snat" -j LVS_PROXY_CHAIN ; \\
                  iptables -t mangle -A POSTROUTING -m ipvs --vaddr 100.222.111.1 -j LOG --log-prefix '[k8svip ipvs]'
                curl http://10.1.1.1
                """;
        Random r = new Random(7);
        for (int k = 0; k < 5000; k++) {
            String m = mutate(seed, r);
            try {
                HostScript.discovered().run(new io.fnlab.model.scenario.HostConfigBuilder(), m, "fuzz.sh");
            } catch (ParseError e) {
                assertTrue(e.where().line() >= 1, () -> "no line in: " + e + "\n--- input:\n" + m);
            } catch (Throwable t) {
                fail("not a ParseError: " + t + "\n--- input:\n" + m, t);
            }
        }
    }

    static String mutate(String s, Random r) {
        int ops = 1 + r.nextInt(3);
        for (int i = 0; i < ops && !s.isEmpty(); i++) {
            int at = r.nextInt(s.length() + 1);
            switch (r.nextInt(9)) {
                case 0 -> s = s.substring(0, at); // truncate
                case 1 -> s = s.substring(0, at) + TOKENS[r.nextInt(TOKENS.length)] + s.substring(at);
                case 2 -> { // delete a span
                    int end = Math.min(s.length(), at + 1 + r.nextInt(40));
                    s = s.substring(0, Math.min(at, end)) + s.substring(end);
                }
                case 3 -> { // replace one character
                    if (at < s.length()) s = s.substring(0, at) + TOKENS[r.nextInt(TOKENS.length)].charAt(0) + s.substring(at + 1);
                }
                case 4 -> s = lines(s, r, 0);
                case 5 -> s = lines(s, r, 1);
                case 6 -> s = lines(s, r, 2);
                case 7 -> { // change a number or word after a colon
                    int c = s.indexOf(": ", at);
                    if (c >= 0) {
                        int e = s.indexOf('\n', c);
                        if (e < 0) e = s.length();
                        s = s.substring(0, c + 2) + TOKENS[r.nextInt(TOKENS.length)] + s.substring(e);
                    }
                }
                default -> { // flip indentation of a line
                    int nl = s.lastIndexOf('\n', Math.max(0, at - 1));
                    s = s.substring(0, nl + 1) + (r.nextBoolean() ? "  " : "") + s.substring(nl + 1).replaceFirst("^ {1,2}", r.nextBoolean() ? "" : " ");
                }
            }
        }
        return s;
    }

    /** 0: delete a line, 1: duplicate a line, 2: swap two lines. */
    private static String lines(String s, Random r, int op) {
        List<String> l = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        int a = r.nextInt(l.size()), b = r.nextInt(l.size());
        switch (op) {
            case 0 -> l.remove(a);
            case 1 -> l.add(a, l.get(a));
            default -> {
                String t = l.get(a);
                l.set(a, l.get(b));
                l.set(b, t);
            }
        }
        return String.join("\n", l);
    }
}
