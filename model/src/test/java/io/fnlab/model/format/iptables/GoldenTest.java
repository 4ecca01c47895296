package io.fnlab.model.format.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rules and errors captured from the real iptables v1.8.9 (nf_tables) in a network namespace
 * (golden-nft.tsv: table chain, spec, OK + what iptables-save printed, or ERR + stderr's first
 * line). fnlab must print exactly the same rule and fail with exactly the same words.
 */
class GoldenTest {
    /** Real iptables accepts these; fnlab says it does not model them. */
    static final List<String> NOT_MODELLED = List.of("-m recent", "--zone", "--helper", "--update-counters", "TPROXY");
    /** Errors that depend on kernel modules or ipsets this lab does not have; not iptables syntax. */
    static final List<String> ENVIRONMENT = List.of("Extension ipvs revision 0 not supported", "Set NOSUCH doesn't exist");

    static List<String[]> rows() throws IOException {
        try (InputStream in = GoldenTest.class.getResourceAsStream("golden-nft.tsv")) {
            List<String[]> r = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                if (!l.isBlank()) r.add(l.split("\t", -1));
            return r;
        }
    }

    @Test
    void everyCapturedRulePrintsAsIptablesSaveDid() throws IOException {
        List<String> bad = new ArrayList<>();
        int ok = 0;
        for (String[] row : rows()) {
            if (!row[2].equals("OK")) continue;
            String chain = row[0].split(" ")[1];
            List<String> words = ShellWords.split(row[1], SourceRef.UNKNOWN);
            try {
                List<Rule> all = RuleSyntax.parseAll(words, SourceRef.of("golden", 1));
                Rule r = all.get(all.size() - 1); // "-s a,b": the golden line is the last rule
                String got = ("-A " + chain + " " + RuleSyntax.format(r)).strip();
                if (!got.equals(row[3])) bad.add(row[1] + "\n   real: " + row[3] + "\n  fnlab: " + got);
                else ok++;
                // and what fnlab prints reads back as the same rule
                Rule again = RuleSyntax.parse(IptablesSave.split(RuleSyntax.format(r), SourceRef.UNKNOWN, 1, new ArrayList<>()), SourceRef.UNKNOWN);
                if (!again.sameSpec(r)) bad.add(row[1] + "\n  does not read back: " + again + " vs " + r);
            } catch (ParseError e) {
                if (NOT_MODELLED.stream().noneMatch(row[1]::contains) || !e.problem().contains("not modelled by fnlab"))
                    bad.add(row[1] + "\n  ParseError " + e.getMessage());
            }
        }
        assertTrue(bad.isEmpty(), bad.size() + " mismatches:\n" + String.join("\n", bad));
        assertTrue(ok > 200, "only " + ok + " rules compared");
    }

    @Test
    void everyCapturedFailureGivesIptablesOwnWords() throws IOException {
        List<String> bad = new ArrayList<>();
        for (String[] row : rows()) {
            if (!row[2].equals("ERR") || ENVIRONMENT.stream().anyMatch(row[3]::contains)) continue;
            String[] tc = row[0].split(" ");
            IptablesState st = new IptablesState();
            IptablesCommand.apply(st, List.of("-N", "USERC"), SourceRef.UNKNOWN);
            List<String> argv = new ArrayList<>(List.of("-t", tc[0], "-A", tc[1]));
            argv.addAll(ShellWords.split(row[1], SourceRef.UNKNOWN));
            try {
                Optional<Diagnostic> d = IptablesCommand.apply(st, argv, SourceRef.of("golden", 1));
                String got = d.map(IptablesCommand::stderrLine).orElse("(accepted)");
                if (!got.equals(row[3])) bad.add(row[1] + "\n   real: " + row[3] + "\n  fnlab: " + got);
            } catch (ParseError e) {
                if (NOT_MODELLED.stream().noneMatch(row[1]::contains) || !e.problem().contains("not modelled by fnlab"))
                    bad.add(row[1] + "\n  ParseError " + e.getMessage());
            }
        }
        assertTrue(bad.isEmpty(), bad.size() + " mismatches:\n" + String.join("\n", bad));
    }

    @Test
    void statisticProbabilityIsTheKernelsU32PrintedBack() {
        Rule r = RuleSyntax.parse(List.of("-m", "statistic", "--mode", "random", "--probability", "0.2"), SourceRef.UNKNOWN);
        assertEquals("-m statistic --mode random --probability 0.20000000019", RuleSyntax.format(r));
    }
}
