package io.fnlab.model.format.iptables;

import io.fnlab.model.netfilter.match.ProtoMatch;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One match or target while its options are read, as an xtables extension's parse and final
 * check functions see them. Subclasses mirror libxt_NAME.c; error texts are iptables' own.
 */
abstract class ExtParser {
    final String ext;
    final Set<String> seen = new HashSet<>();
    /** Index of the -m / -j word, for errors raised by the final check. */
    int word = -1;

    ExtParser(String ext) {
        this.ext = ext;
    }

    abstract List<Opt> opts();

    private List<Opt> cached;

    /** opts(), built once per parser. */
    final List<Opt> options() {
        if (cached == null) cached = opts();
        return cached;
    }

    /** One option; args are the words it consumed; word is the option's index. */
    abstract void parse(Opt o, boolean inv, List<String> args, int word);

    /** The final check (x6_fcheck) and the record; proto is the rule's -p (null when absent). */
    abstract Object finish(ProtoMatch proto);

    /** Position of an option in {@link #opts()} (by name: Opt holds an array, so no record equality). */
    int index(Opt o) {
        List<Opt> l = options();
        for (int k = 0; k < l.size(); k++) if (l.get(k).name().equals(o.name())) return k;
        return -1;
    }

    /** The x6 parser's generic "can only be used once" and "cannot be inverted" checks. */
    void generic(Opt o, boolean inv, int w) {
        if (inv && !o.invertible()) throw XtError.usage(ext + ": option \"--" + o.name() + "\" cannot be inverted.", w);
        if (!seen.add(o.name())) throw XtError.usage(ext + ": option \"--" + o.name() + "\" can only be used once.", w);
    }

    void conflict(Opt o, String other, int w) {
        if (seen.contains(other))
            throw XtError.usage(ext + ": option \"--" + other + "\" cannot be used together with \"--" + o.name() + "\".", w);
    }

    XtError bad(String opt, String val, int w) {
        return XtError.usage(ext + ": Bad value for \"--" + opt + "\" option: \"" + val + "\"", w);
    }

    static long u32(String ext, String opt, String s, int w) {
        Long v = Numbers.parseUnsigned(s, 0xffffffffL);
        if (v == null) throw XtError.usage(ext + ": bad integer value for option \"--" + opt + "\", or out of range.", w);
        return v;
    }

    /** XTTYPE_MARKMASK32: value[/mask], mask defaulting to all ones. */
    static long[] markMask(String ext, String opt, String s, int w) {
        int slash = s.indexOf('/');
        long v = u32(ext, opt, slash < 0 ? s : s.substring(0, slash), w);
        long m = slash < 0 ? 0xffffffffL : u32(ext, opt, s.substring(slash + 1), w);
        return new long[] {v, m};
    }
}
