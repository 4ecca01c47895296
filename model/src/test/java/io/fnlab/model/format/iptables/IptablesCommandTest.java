package io.fnlab.model.format.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.format.ToolCommand;
import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IptablesCommandTest {
    static String resource(String name) throws IOException {
        try (InputStream in = IptablesCommandTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String withoutComments(String save) {
        return save.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * commands-nft.tsv: a sequence of iptables commands run one after another in a netns with
     * iptables v1.8.9 (nf_tables), each with its first stderr line (or OK), then what
     * iptables-save printed at the end. Replayed on one IptablesState, every command must give
     * the same answer and the final state the same iptables-save text.
     */
    @Test
    void replaysARealCommandSequenceWithTheSameAnswersAndEndState() throws IOException {
        String[] parts = resource("commands-nft.tsv").split("#SAVE\n", 2);
        IptablesState st = new IptablesState();
        List<String> bad = new ArrayList<>();
        int n = 0;
        for (String line : parts[0].split("\n")) {
            String[] f = line.split("\t", 2);
            List<String> argv = ShellWords.split(f[0], SourceRef.UNKNOWN);
            Optional<Diagnostic> d = IptablesCommand.apply(st, argv, SourceRef.of("cmds", ++n));
            String got = d.filter(x -> x.severity() == Diagnostic.Severity.ERROR).map(IptablesCommand::stderrLine).orElse("OK");
            if (!got.equals(f[1])) bad.add(f[0] + "\n   real: " + f[1] + "\n  fnlab: " + got);
        }
        assertTrue(bad.isEmpty(), bad.size() + " mismatches:\n" + String.join("\n", bad));
        assertEquals(withoutComments(parts[1]), withoutComments(IptablesSave.write(st.toRuleset())));
    }

    static List<String> seedIptablesLines() throws IOException {
        Path dir = Path.of("/work/shared/seeds");
        String text;
        try (var s = Files.list(dir)) {
            Path seed = s.filter(p -> p.getFileName().toString().startsWith("000_")).findFirst().orElseThrow();
            text = Files.readString(seed);
        }
        return text.lines().filter(l -> l.startsWith("iptables ")).toList();
    }

    /** The seed's commands as printed in the article, kept here so the test runs without shared/. */
    static final List<String> SEED_000 = List.of(
            "iptables -N KUBE-SERVICES -t nat",
            "iptables -N KUBE-MARK-MASQ -t nat",
            "iptables -t nat -N KUBE-POSTROUTING",
            "iptables -t nat -I POSTROUTING -m comment --comment \"postrouting rule\" -j KUBE-POSTROUTING",
            "iptables -t nat -I PREROUTING -m comment --comment \"proxy snat\" -j LVS_PROXY_CHAIN",
            "iptables -t nat -I KUE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ",
            "iptables -t nat -I KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
            "iptables -t nat -I KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE");

    /** What iptables-save printed after running SEED_000 in a netns (iptables v1.8.9 nf_tables). */
    static final String SEED_000_SAVE = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            :KUBE-MARK-MASQ - [0:0]
            :KUBE-POSTROUTING - [0:0]
            :KUBE-SERVICES - [0:0]
            -A POSTROUTING -m comment --comment "postrouting rule" -j KUBE-POSTROUTING
            -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
            -A KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE
            COMMIT
            """;

    @Test
    void seed000GivesTheKernelsTwoErrorsAndAppliesTheRest() throws IOException {
        List<String> lines = SEED_000;
        if (Files.isDirectory(Path.of("/work/shared/seeds"))) assertEquals(SEED_000, seedIptablesLines());
        HostConfigBuilder host = new HostConfigBuilder();
        ToolCommand cmd = new IptablesCommand();
        List<Diagnostic> diags = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            SourceRef at = SourceRef.of("seed000", 90 + i);
            List<String> words = ShellWords.split(lines.get(i), at);
            cmd.apply(host, words.subList(1, words.size()), at).ifPresent(diags::add);
        }
        assertEquals(2, diags.size(), diags.toString());
        assertEquals("Chain 'LVS_PROXY_CHAIN' does not exist", diags.get(0).message());
        assertEquals(94, diags.get(0).where().line());
        assertEquals("iptables v1.8.9 (nf_tables): Chain 'LVS_PROXY_CHAIN' does not exist", IptablesCommand.stderrLine(diags.get(0)));
        assertEquals("No chain/target/match by that name.", diags.get(1).message());
        assertEquals("iptables: No chain/target/match by that name.", IptablesCommand.stderrLine(diags.get(1)));
        assertEquals(95, diags.get(1).where().line());
        assertEquals(SEED_000_SAVE, withoutComments(IptablesSave.write(host.build().iptables())));
    }

    @Test
    void isRegisteredForServiceLoader() {
        boolean found = false;
        for (ToolCommand t : ServiceLoader.load(ToolCommand.class)) if (t.tool().equals("iptables")) found = true;
        assertTrue(found);
    }

    @Test
    void notModelledExtensionIsAParseErrorNotADiagnostic() {
        IptablesState st = new IptablesState();
        ParseError e = assertThrows(ParseError.class, () -> IptablesCommand.apply(st,
                List.of("-A", "INPUT", "-m", "recent", "--set"), SourceRef.of("f", 3)));
        assertEquals("match 'recent' is not modelled by fnlab", e.problem());
        assertEquals(new SourceRef("f", 3, 13), e.where());
    }

    @Test
    void unknownExtensionGetsIptablesOwnError() {
        Optional<Diagnostic> d = IptablesCommand.apply(new IptablesState(), List.of("-A", "INPUT", "-m", "bogus"), SourceRef.of("f", 1));
        assertEquals("Couldn't load match `bogus':No such file or directory", d.orElseThrow().message());
    }

    @Test
    void waitAndLongOptionsAreAccepted() {
        IptablesState st = new IptablesState();
        for (String c : List.of("-w -N A", "--wait 5 --new-chain B", "--append=A --jump B", "-w --insert A 1 -j ACCEPT",
                "--rename-chain B C", "--delete A 2", "--list-rules A", "--list", "-L -n -v"))
            assertEquals(Optional.empty(), IptablesCommand.apply(st, ShellWords.split(c, SourceRef.UNKNOWN), SourceRef.UNKNOWN), c);
        assertEquals("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :A - [0:0]
                :C - [0:0]
                -A A -j ACCEPT
                COMMIT
                """, withoutComments(IptablesSave.write(st.toRuleset())));
    }

    @Test
    void failedCommandLeavesStateUnchanged() {
        IptablesState st = new IptablesState();
        IptablesCommand.apply(st, List.of("-t", "nat", "-N", "X"), SourceRef.UNKNOWN);
        IptablesCommand.apply(st, List.of("-t", "nat", "-A", "X", "-j", "MASQUERADE"), SourceRef.UNKNOWN);
        String before = IptablesSave.write(st.toRuleset());
        Optional<Diagnostic> d = IptablesCommand.apply(st, List.of("-t", "nat", "-A", "PREROUTING", "-j", "X"), SourceRef.UNKNOWN);
        assertEquals("RULE_APPEND failed (Invalid argument): rule in chain PREROUTING", d.orElseThrow().message());
        assertEquals(before, IptablesSave.write(st.toRuleset()));
        // a failed command does not load a table either
        IptablesCommand.apply(st, List.of("-t", "raw", "-A", "NOPE", "-j", "ACCEPT"), SourceRef.UNKNOWN);
        assertTrue(!st.isLoaded(io.fnlab.model.netfilter.TableName.RAW));
    }
}
