package io.fnlab.model.format.ipset;

import io.fnlab.model.format.shell.ShellWords;
import io.fnlab.model.ipset.IpSet;
import io.fnlab.model.ipset.SetEntry;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The `ipset save` / `ipset restore` format: "create NAME TYPE OPTIONS" then "add NAME ELEM
 * [timeout N] [nomatch] [packets N bytes N] [comment \"..\"]" per entry.
 *
 * <p>Hash sets are dumped by the kernel in hash-bucket order, which fnlab does not model: the
 * writer prints entries in the order of the model (the order they were read or added), bitmap
 * sets in port order as the kernel does. Packet/byte counters are runtime state: read and
 * checked, not kept (written as 0 for sets with counters).
 */
public final class IpsetSave {
    private IpsetSave() {}

    /** Reads `ipset save` output; anything ipset restore would refuse is a ParseError. */
    public static LinkedHashMap<String, IpSet> read(String text, String file) {
        LinkedHashMap<String, IpSet> sets = new LinkedHashMap<>();
        Optional<Diagnostic> d = restore(sets, text, file, false);
        if (d.isPresent()) throw new ParseError(d.get().where(), d.get().message());
        return sets;
    }

    public static String write(Collection<IpSet> sets) {
        StringBuilder sb = new StringBuilder();
        for (IpSet s : sets) {
            sb.append("create ").append(s.name()).append(' ').append(s.type().label());
            for (Map.Entry<String, String> o : s.options().entrySet()) {
                sb.append(' ').append(o.getKey());
                if (!o.getValue().isEmpty()) sb.append(' ').append(o.getValue());
            }
            sb.append('\n');
            boolean counters = s.options().containsKey("counters");
            for (SetEntry e : s.entries()) {
                sb.append("add ").append(s.name()).append(' ').append(IpsetElems.format(s.type(), e.elems()));
                sb.append(IpsetElems.formatExtensions(e, counters)).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Applies an `ipset restore` file to sets, line by line as ipset does: it stops at the first
     * failing line (earlier lines stay applied) and returns what ipset prints then ("Error in
     * line N: ..."). Blank lines and '#' comments are skipped, as ipset's restore loop does.
     * Throws ParseError for input fnlab does not model.
     */
    public static Optional<Diagnostic> restore(Map<String, IpSet> sets, String text, String file, boolean exist) {
        IpsetKernel k = new IpsetKernel(sets);
        try {
            int lineNo = 0;
            for (String line : text.split("\n", -1)) {
                lineNo++;
                SourceRef where = SourceRef.of(file, lineNo);
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                List<String> words = ShellWords.split(line, where);
                if (words.isEmpty()) continue;
                if (words.get(0).equals("COMMIT")) continue;
                try {
                    String out = IpsetCommand.run(k, words, exist);
                    if (out != null) return fail(where, "Error in line " + lineNo + ": " + out);
                } catch (ToolFailure.NotModelled e) {
                    throw new ParseError(where, e.getMessage());
                } catch (ToolFailure e) {
                    return fail(where, "Error in line " + lineNo + ": " + e.getMessage());
                }
            }
            return Optional.empty();
        } finally {
            k.commit();
        }
    }

    private static Optional<Diagnostic> fail(SourceRef where, String msg) {
        return Optional.of(new Diagnostic(Diagnostic.Severity.ERROR, where, "ipset", msg));
    }
}
