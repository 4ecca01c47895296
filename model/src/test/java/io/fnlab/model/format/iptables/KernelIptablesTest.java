package io.fnlab.model.format.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Counters;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.netfilter.TableName;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.SourceRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * fnlab's iptables formats against the real tools (iptables v1.8.9, nf_tables and legacy) in a
 * network namespace of its own. Skips unless root with iptables, ipset and ip present.
 */
@Tag("kernel")
class KernelIptablesTest {
    static final String NS = "fnlab-iptfmt-" + ProcessHandle.current().pid();
    static boolean ready;

    record Result(int rc, String out, String err) {}

    static Result run(String stdin, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timeout: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    static Result ns(String stdin, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", NS));
        c.addAll(List.of(cmd));
        return run(stdin, c.toArray(String[]::new));
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
            if (Files.isExecutable(Path.of(d, tool))) return true;
        return Files.isExecutable(Path.of("/usr/sbin", tool));
    }

    @BeforeAll
    static void createNamespace() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !onPath("iptables") || !onPath("ipset") || !onPath("ip") || !onPath("iptables-legacy") || !onPath("nft")) return;
        ready = run(null, "ip", "netns", "add", NS).rc() == 0;
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        if (ready) {
            Result r = run(null, "ip", "netns", "del", NS);
            System.out.println("deleted " + NS + ": rc " + r.rc() + " " + r.err());
        }
    }

    static void requireLab() {
        assumeTrue(ready, "needs root, ip, ipset, iptables, iptables-legacy and nft (clean() empties both backends; without nft the nf_tables tables of an earlier case stay)");
    }

    static String withoutComments(String save) {
        return save.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * Table blocks keyed by name: iptables-legacy-save prints tables in the order of
     * /proc/net/ip_tables_names (module load order), nft in a fixed order; fnlab writes nft's.
     */
    static Map<String, String> byTable(String save) {
        Map<String, String> m = new java.util.TreeMap<>();
        for (String block : withoutComments(save).split("(?m)^(?=\\*)"))
            if (!block.isBlank()) m.put(block.lines().findFirst().orElse(""), block);
        return m;
    }

    /** Restore ignores counters (no -c), so the kernel holds the ruleset with all counters zero. */
    static Ruleset zeroCounters(Ruleset rs) {
        Map<TableName, Table> m = new EnumMap<>(TableName.class);
        rs.tables().forEach((n, t) -> m.put(n, new Table(n, t.chains().stream().map(c -> new Chain(c.name(), c.policy(),
                Counters.ZERO, c.rules().stream().map(x -> x.withCounters(Counters.ZERO)).toList())).toList())));
        return new Ruleset(m);
    }

    /** Empties every table of both backends and (re)creates the sets generated rules use. */
    static void clean() throws Exception {
        for (String t : List.of("filter", "nat", "mangle", "raw", "security"))
            for (String tool : List.of("iptables", "iptables-legacy")) {
                ns(null, tool, "-t", t, "-F");
                ns(null, tool, "-t", t, "-X");
            }
        ns(null, "nft", "flush", "ruleset");
        ns(null, "ipset", "create", "-exist", "S1", "hash:ip");
        ns(null, "ipset", "create", "-exist", "S2", "hash:ip,port");
    }

    /** Restores fnlab's text with the real tool, saves, and checks fnlab reads and writes that exactly. */
    static void roundTrip(Ruleset generated, String tool, String label) throws Exception {
        clean();
        String text = IptablesSave.write(generated, true);
        Result r = ns(text, tool + "-restore", "-c");
        assertEquals(0, r.rc(), label + ": " + tool + "-restore refused fnlab's text: " + r.err() + "\n" + numbered(text, r.err()));
        Result saved = ns(null, tool + "-save");
        assertEquals(0, saved.rc(), saved.err());
        String real = withoutComments(saved.out());
        if (!byTable(real).equals(byTable(IptablesSave.write(generated)))) {
            // leave both texts behind for a diff when they differ
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            Files.writeString(dir.resolve("fnlab-iptables-" + tool + "-expected.txt"), withoutComments(IptablesSave.write(generated)));
            Files.writeString(dir.resolve("fnlab-iptables-" + tool + "-real.txt"), real);
        }
        // restore -c keeps chain and rule counters: the kernel has exactly what fnlab wrote
        Ruleset back = IptablesSave.read(saved.out(), tool + "-save");
        assertEquals(byTable(real), byTable(IptablesSave.write(back)), label + ": fnlab does not re-print " + tool + "-save's text");
        Result savedC = ns(null, tool + "-save", "-c");
        Ruleset backC = IptablesSave.read(savedC.out(), tool + "-save -c");
        assertEquals(byTable(IptablesSave.write(generated)), byTable(real), label + ": " + tool + "-save prints it differently than fnlab");
        assertEquals(byTable(IptablesSave.write(generated, true)), byTable(savedC.out()), label + ": counters differ");
        assertEquals(RulesetGen.normalised(generated), RulesetGen.normalised(backC), label + ": the kernel holds another ruleset than fnlab's");
    }

    static String numbered(String text, String err) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("line:? (\\d+)").matcher(err);
        if (!m.find()) return "";
        int ln = Integer.parseInt(m.group(1));
        String[] lines = text.split("\n");
        return ln - 1 < lines.length ? "line " + ln + ": " + lines[ln - 1] : "";
    }

    @Test
    void severalHundredRulesSurviveTheRealRestoreAndSave() throws Exception {
        requireLab();
        Ruleset big = RulesetGen.generate(20261122L, 40, false);
        int rules = big.tables().values().stream().flatMap(t -> t.chains().stream()).mapToInt(c -> c.rules().size()).sum();
        assertTrue(rules >= 300, "only " + rules + " rules");
        assertEquals(TableName.values().length, big.tables().size());
        roundTrip(big, "iptables", "nft");
        roundTrip(big, "iptables-legacy", "legacy");
    }

    @Test
    void generatedRulesetsSurviveTheRealRestoreAndSave() throws Exception {
        requireLab();
        for (long seed = 1; seed <= 30; seed++) roundTrip(RulesetGen.generate(seed * 7919, 6, false), "iptables", "seed " + seed);
    }

    @Test
    void seed000CommandsGiveTheSameErrorsAsTheRealIptables() throws Exception {
        requireLab();
        clean();
        ns(null, "ipset", "create", "-exist", "KUBE-CLUSTER-IP", "hash:ip,port");
        IptablesState st = new IptablesState();
        for (String line : IptablesCommandTest.SEED_000) {
            List<String> words = ShellWords.split(line, SourceRef.UNKNOWN);
            Result real = ns(null, words.toArray(String[]::new));
            Optional<Diagnostic> d = IptablesCommand.apply(st, words.subList(1, words.size()), SourceRef.of("seed", 1));
            String realFirst = real.err().lines().findFirst().orElse("");
            assertEquals(realFirst, d.map(IptablesCommand::stderrLine).orElse(""), line);
            assertEquals(real.rc() == 0, d.isEmpty(), line);
        }
        assertEquals(withoutComments(ns(null, "iptables-save").out()), withoutComments(IptablesSave.write(st.toRuleset())));
    }

    /** The captured command sequence (commands-nft.tsv) once more, live, command by command. */
    @Test
    void commandSequenceGivesTheSameAnswersLive() throws Exception {
        requireLab();
        clean();
        ns(null, "ipset", "create", "-exist", "KUBE-CLUSTER-IP", "hash:ip,port");
        IptablesState st = new IptablesState();
        String[] parts = IptablesCommandTest.resource("commands-nft.tsv").split("#SAVE\n", 2);
        List<String> bad = new ArrayList<>();
        for (String line : parts[0].split("\n")) {
            String cmd = line.split("\t", 2)[0];
            List<String> words = new ArrayList<>(List.of("iptables"));
            words.addAll(ShellWords.split(cmd, SourceRef.UNKNOWN));
            Result real = ns(null, words.toArray(String[]::new));
            String realFirst = real.err().lines().filter(l -> !l.isEmpty() && !l.startsWith("# Warning")).findFirst().orElse("OK");
            if (real.rc() == 0) realFirst = "OK";
            String got = IptablesCommand.apply(st, words.subList(1, words.size()), SourceRef.UNKNOWN)
                    .filter(d -> d.severity() == Diagnostic.Severity.ERROR).map(IptablesCommand::stderrLine).orElse("OK");
            if (!got.equals(realFirst)) bad.add(cmd + "\n   real: " + realFirst + "\n  fnlab: " + got);
        }
        assertTrue(bad.isEmpty(), String.join("\n", bad));
        assertEquals(byTable(ns(null, "iptables-save").out()), byTable(IptablesSave.write(st.toRuleset())));
    }
}
