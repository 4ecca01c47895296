package io.fnlab.model.format;

import static org.junit.jupiter.api.Assertions.fail;

import io.fnlab.model.parse.ParseError;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Mutation fuzzing: valid inputs truncated, with characters dropped, inserted, replaced, lines
 * or words swapped and duplicated. The target may return normally or throw ParseError; any
 * other exception fails the test with the input that caused it.
 */
public final class Fuzz {
    private Fuzz() {}

    private static final String ALPHABET = " \t\n-/:,.\"'#;=\\0123456789abcdefxyzTCPUDP!$`()[]{}*?~\u00e9\u0000";

    public static int run(List<String> seeds, int cases, long seed, Consumer<String> target) {
        Random r = new Random(seed);
        int parseErrors = 0;
        for (int i = 0; i < cases; i++) {
            String in = mutate(r, seeds.get(r.nextInt(seeds.size())));
            try {
                target.accept(in);
            } catch (ParseError e) {
                parseErrors++;
                if (e.where() == null || e.problem() == null || e.problem().isEmpty()) fail("ParseError without place or problem for: " + in);
            } catch (RuntimeException | StackOverflowError e) {
                AssertionError a = new AssertionError("case " + i + " threw " + e + " for input:\n" + in);
                a.initCause(e);
                throw a;
            }
        }
        return parseErrors;
    }

    public static String mutate(Random r, String s) {
        int rounds = 1 + r.nextInt(4);
        StringBuilder b = new StringBuilder(s);
        for (int k = 0; k < rounds; k++) {
            int n = b.length();
            int op = r.nextInt(9);
            int at = n == 0 ? 0 : r.nextInt(n);
            switch (op) {
                case 0 -> b.setLength(at); // truncate
                case 1 -> { if (n > 0) b.deleteCharAt(at); }
                case 2 -> b.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                case 3 -> { if (n > 0) b.setCharAt(at, ALPHABET.charAt(r.nextInt(ALPHABET.length()))); }
                case 4 -> { // replace a digit run with a big or odd number
                    if (n > 0 && Character.isDigit(b.charAt(at))) {
                        int e = at;
                        while (e < n && Character.isDigit(b.charAt(e))) e++;
                        b.replace(at, e, List.of("0", "99999999999", "65536", "256", "4294967296", "-1", "33").get(r.nextInt(7)));
                    }
                }
                case 5 -> { // duplicate a line
                    String[] lines = b.toString().split("\n", -1);
                    String l = lines[r.nextInt(lines.length)];
                    b.insert(at, l + "\n");
                }
                case 6 -> { // swap two words
                    String[] w = b.toString().split(" ", -1);
                    if (w.length > 2) {
                        int x = r.nextInt(w.length), y = r.nextInt(w.length);
                        String t = w[x];
                        w[x] = w[y];
                        w[y] = t;
                        b.setLength(0);
                        b.append(String.join(" ", w));
                    }
                }
                case 7 -> { if (n > 0) b.delete(at, Math.min(n, at + 1 + r.nextInt(8))); }
                default -> b.insert(at, List.of(" ", "  ", "/", ",", ":", "-", "\n").get(r.nextInt(7)));
            }
        }
        return b.toString();
    }
}
