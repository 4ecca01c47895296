package io.fnlab.model.format.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fnlab.model.netfilter.Chain;
import io.fnlab.model.netfilter.Rule;
import io.fnlab.model.netfilter.Ruleset;
import io.fnlab.model.netfilter.Table;
import java.util.HashSet;
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
        for (Class<?> k : io.fnlab.model.netfilter.target.Target.class.getPermittedSubclasses())
            assertTrue(seen.contains(k), "never generated: " + k.getSimpleName());
    }
}
