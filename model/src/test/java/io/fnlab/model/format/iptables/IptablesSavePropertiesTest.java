package io.fnlab.model.format.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.SourceRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class IptablesSavePropertiesTest {
    @Provide
    Arbitrary<Ruleset> rulesets() {
        return Arbitraries.longs().map(seed -> RulesetGen.generate(seed, 12, true));
    }

    /**
     * write then read gives the same ruleset: every chain, policy, chain counter, rule, match,
     * target and (with -c) rule counter. Sources are reset since read records where each rule was.
     */
    @Property(tries = 150)
    void readOfWriteWithCountersIsTheSameRuleset(@ForAll("rulesets") Ruleset rs) {
        Ruleset back = IptablesSave.read(IptablesSave.write(rs, true), "gen");
        assertEquals(RulesetGen.normalised(rs), RulesetGen.normalised(back));
    }

    @Property(tries = 100)
    void readOfWriteWithoutCountersLosesOnlyRuleCounters(@ForAll("rulesets") Ruleset rs) {
        String text = IptablesSave.write(rs);
        Ruleset back = IptablesSave.read(text, "gen");
        assertEquals(RulesetGen.normalised(RulesetGen.withoutRuleCounters(rs)), RulesetGen.normalised(back));
        // and writing again is byte-identical: the text is a fixed point
        assertEquals(text, IptablesSave.write(back));
    }

    /** Rules read from a file know their line: the n-th "-A" line is where rule n came from. */
    @Property(tries = 30)
    void rulesRememberTheirLine(@ForAll("rulesets") Ruleset rs) {
        String text = IptablesSave.write(rs);
        String[] lines = text.split("\n");
        for (Table t : IptablesSave.read(text, "f").tables().values())
            for (Chain c : t.chains())
                for (Rule r : c.rules()) {
                    assertEquals("f", r.source().file());
                    assertTrue(lines[r.source().line() - 1].startsWith("-A " + c.name()), lines[r.source().line() - 1]);
                    assertEquals(1, r.source().column());
                }
    }

    /**
     * The same ruleset built with iptables commands (-N, -P, then -A for each rule in save order)
     * as restored from its save text: the command path and its kernel checks agree with restore.
     */
    @Property(tries = 60)
    void commandsBuildWhatRestoreBuilds(@ForAll("rulesets") Ruleset rs) {
        IptablesState st = new IptablesState();
        for (Table t : rs.tables().values()) {
            String tn = t.name().label();
            run(st, List.of("-t", tn, "-L"));
            for (Chain c : t.chains())
                if (c.policy() == null) run(st, List.of("-t", tn, "-N", c.name()));
                else run(st, List.of("-t", tn, "-P", c.name(), c.policy().name()));
        }
        for (Table t : rs.tables().values())
            for (Chain c : IptablesSave.chainOrder(t))
                for (Rule r : c.rules()) {
                    List<String> argv = new ArrayList<>(List.of("-t", t.name().label(), "-A", c.name()));
                    argv.addAll(IptablesSave.split(RuleSyntax.format(r), SourceRef.UNKNOWN, 1, new ArrayList<>()));
                    run(st, argv);
                }
        Ruleset restored = IptablesSave.read(IptablesSave.write(rs), "gen");
        // commands cannot set chain counters (restore without -c does not either)
        assertEquals(IptablesSave.write(restored).replaceAll("\\[\\d+:\\d+\\]", "[0:0]"), IptablesSave.write(st.toRuleset()));
    }

    static void run(IptablesState st, List<String> argv) {
        Optional<Diagnostic> d = IptablesCommand.apply(st, argv, SourceRef.UNKNOWN);
        assertTrue(d.isEmpty(), argv + " -> " + d);
    }

    @Test
    void generatorCoversEveryMatchAndTarget() {
        Set<Class<?>> seen = new HashSet<>();
        for (long s = 0; s < 200; s++)
            for (Table t : RulesetGen.generate(s, 12, true).tables().values())
                for (Chain c : t.chains())
                    for (Rule r : c.rules()) {
                        r.matches().forEach(m -> seen.add(m.getClass()));
                        if (r.target() != null) seen.add(r.target().getClass());
                    }
        for (Class<?> k : io.fnlab.model.netfilter.match.Match.class.getPermittedSubclasses())
            assertTrue(seen.contains(k), "never generated: " + k.getSimpleName());
        for (Class<?> k : io.fnlab.model.netfilter.targets.Target.class.getPermittedSubclasses())
            assertTrue(seen.contains(k), "never generated: " + k.getSimpleName());
    }
}
