package io.fnlab.model.format.iptables;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated and truncated iptables-save texts and command lines (byte flips, token deletions and
 * duplications, truncation): whatever comes in, only ParseError or a Diagnostic may come out.
 */
class FuzzTest {
    static final int CASES = 45_000;

    static String mutate(Random r, String s) {
        switch (r.nextInt(6)) {
            case 0 -> { // flip a byte (printable or not)
                if (s.isEmpty()) return s;
                char[] c = s.toCharArray();
                c[r.nextInt(c.length)] = r.nextInt(4) == 0 ? (char) r.nextInt(128) : " -!:/,.[]\"'*#0123456789abcxyzACDEIMNPRSX".charAt(r.nextInt(40));
                return new String(c);
            }
            case 1 -> { // truncate
                return s.substring(0, r.nextInt(s.length() + 1));
            }
            default -> { // delete, duplicate or swap tokens
                List<String> t = new ArrayList<>(Arrays.asList(s.split(" ", -1)));
                if (t.isEmpty()) return s;
                int i = r.nextInt(t.size());
                switch (r.nextInt(3)) {
                    case 0 -> t.remove(i);
                    case 1 -> t.add(i, t.get(r.nextInt(t.size())));
                    default -> {
                        int j = r.nextInt(t.size());
                        String x = t.get(i);
                        t.set(i, t.get(j));
                        t.set(j, x);
                    }
                }
                return String.join(" ", t);
            }
        }
    }

    @Test
    void mutatedInputGivesParseErrorsOrDiagnosticsOnly() {
        Random r = new Random(4242);
        List<String> saves = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (long s = 0; s < 40; s++) {
            Ruleset rs = RulesetGen.generate(s, 4, true);
            String text = IptablesSave.write(rs, s % 2 == 0);
            saves.add(text);
            for (String l : text.split("\n")) if (l.startsWith("-A ") || l.startsWith("[")) lines.add(l.replaceFirst("^\\[[0-9:]+\\] ", ""));
        }
        lines.addAll(List.of("-t nat -N KUBE-SERVICES", "-t nat -X KUBE-SERVICES", "-P INPUT DROP", "-E A B", "-F", "-Z INPUT 1",
                "-I INPUT 1 -j ACCEPT", "-D INPUT 1", "-R INPUT 1 -s 1.1.1.1 -j DROP", "-w 5 -t mangle -S", "-L -n -v"));
        List<IptablesState> states = new ArrayList<>();
        for (long s = 0; s < 20; s++) states.add(IptablesState.from(RulesetGen.generate(s, 3, true)));
        List<String> unexpected = new ArrayList<>();
        int parseErrors = 0, diagnostics = 0, ok = 0;
        for (int k = 0; k < CASES; k++) {
            boolean file = k % 4 == 0;
            String base = file ? saves.get(r.nextInt(saves.size())) : lines.get(r.nextInt(lines.size()));
            String in = base;
            int rounds = 1 + r.nextInt(3);
            for (int m = 0; m < rounds; m++) in = file ? mutateLines(r, in) : mutate(r, in);
            try {
                if (file) {
                    if (k % 8 == 0) IptablesSave.read(in, "fuzz");
                    else IptablesSave.restore(states.get(k % states.size()).copy(), in, "fuzz", k % 3 == 0);
                    ok++;
                } else {
                    IptablesState st = states.get(k % states.size()).copy();
                    List<String> words = IptablesSave.split(in, SourceRef.UNKNOWN, 1, new ArrayList<>());
                    if (IptablesCommand.apply(st, words, SourceRef.of("fuzz", 1)).isPresent()) diagnostics++;
                    else ok++;
                    // every state a command leaves behind prints and reads back
                    if (k % 16 == 1) IptablesSave.read(IptablesSave.write(st.toRuleset()), "again");
                }
            } catch (ParseError e) {
                parseErrors++;
                if (e.where() == null || e.problem() == null || e.problem().isBlank()) unexpected.add("empty ParseError for: " + in);
            } catch (RuntimeException e) {
                if (unexpected.size() < 20) unexpected.add(e + " for:\n" + in.lines().limit(400).reduce("", (a, b) -> a.length() > 2000 ? a : a + "\n" + b));
            }
        }
        System.out.println("fuzz: " + CASES + " cases, cpu ms " + java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000);
        assertTrue(unexpected.isEmpty(), unexpected.size() + " unexpected exceptions:\n" + String.join("\n---\n", unexpected));
        assertTrue(parseErrors > 1000 && diagnostics > 1000 && ok > 1000, parseErrors + " " + diagnostics + " " + ok);
    }

    /** A save text mutated on one of its lines, or cut short. */
    static String mutateLines(Random r, String text) {
        String[] l = text.split("\n", -1);
        if (r.nextInt(10) == 0) return text.substring(0, r.nextInt(text.length() + 1));
        int i = r.nextInt(l.length);
        l[i] = mutate(r, l[i]);
        if (r.nextInt(10) == 0) {
            List<String> x = new ArrayList<>(Arrays.asList(l));
            x.add(r.nextInt(x.size() + 1), l[r.nextInt(l.length)]);
            return String.join("\n", x);
        }
        return String.join("\n", l);
    }
}
