package io.fnlab.model.format.iproute;

import io.fnlab.model.net.Prefix;
import io.fnlab.model.parse.ParseError;
import io.fnlab.model.parse.SourceRef;
import io.fnlab.model.route.PolicyRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `ip rule show` (iproute2 6.1, IPv4): "PRIO:\t[not ]from SRC [to DST] [fwmark 0xM[/0xK]] [iif D
 * [[detached]]] [oif D [[detached]]] lookup T", with the kernel's three default rules (0 local,
 * 32766 main, 32767 default), which the model's rule list leaves out. A user rule goes after
 * the rules of the same priority that were there before it (fib_nl_newrule), defaults included.
 */
public final class IpRuleShow {
    private IpRuleShow() {}

    static final List<PolicyRule> DEFAULTS = List.of(
            new PolicyRule(0, false, null, null, null, null, null, null, "local"),
            new PolicyRule(32766, false, null, null, null, null, null, null, "main"),
            new PolicyRule(32767, false, null, null, null, null, null, null, "default"));

    /** devices: the names that exist (others are shown "[detached]"). */
    public static String write(List<PolicyRule> rules, Collection<String> devices) {
        List<PolicyRule> all = new ArrayList<>(DEFAULTS);
        for (PolicyRule r : rules) {
            int pos = all.size();
            for (int i = 0; i < all.size(); i++)
                if (Integer.toUnsignedLong(all.get(i).priority()) > Integer.toUnsignedLong(r.priority())) {
                    pos = i;
                    break;
                }
            all.add(pos, r);
        }
        StringBuilder sb = new StringBuilder();
        for (PolicyRule r : all) {
            sb.append(Integer.toUnsignedString(r.priority())).append(":\t");
            if (r.not()) sb.append("not ");
            sb.append("from ").append(r.from() == null ? "all" : prefix(r.from()));
            if (r.to() != null) sb.append(" to ").append(prefix(r.to()));
            if (r.fwmark() != null) {
                sb.append(" fwmark 0x").append(Long.toHexString(r.fwmark()));
                if (r.fwmask() != null) sb.append("/0x").append(Long.toHexString(r.fwmask()));
            }
            if (r.iif() != null) sb.append(" iif ").append(r.iif()).append(devices.contains(r.iif()) ? "" : " [detached]");
            if (r.oif() != null) sb.append(" oif ").append(r.oif()).append(devices.contains(r.oif()) ? "" : " [detached]");
            sb.append(" lookup ").append(r.table()).append('\n');
        }
        return sb.toString();
    }

    private static String prefix(Prefix p) {
        return p.length() == 32 ? p.address().toString() : p.toString();
    }

    private static final Pattern LINE = Pattern.compile("(\\d{1,10}):\\t(not )?from (all|[0-9./]+)( to ([0-9./]+))?"
            + "( fwmark 0x([0-9a-f]{1,8})(/0x([0-9a-f]{1,8}))?)?( iif (\\S+)( \\[detached\\])?)?( oif (\\S+)( \\[detached\\])?)? lookup (\\S+)");

    /** The user rules (the three defaults are checked and left out). */
    public static List<PolicyRule> read(String text, String file) {
        List<PolicyRule> out = new ArrayList<>();
        List<PolicyRule> defaults = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) n--;
        for (int i = 0; i < n; i++) {
            SourceRef where = SourceRef.of(file, i + 1);
            Matcher m = LINE.matcher(lines[i]);
            if (!m.matches())
                throw new ParseError(where, "expected 'PRIO:\\t[not ]from SRC [to DST] [fwmark 0xM[/0xK]] [iif D] [oif D] lookup TABLE'");
            long prio = Long.parseLong(m.group(1));
            if (prio > 0xffffffffL) throw new ParseError(where, "priority over 4294967295");
            Prefix from = m.group(3).equals("all") ? null : prefix(m.group(3), where);
            Prefix to = m.group(5) == null ? null : prefix(m.group(5), where);
            Long mark = m.group(7) == null ? null : Long.parseLong(m.group(7), 16);
            Long mask = m.group(9) == null ? null : Long.parseLong(m.group(9), 16);
            if (mask != null && mask == 0xffffffffL) throw new ParseError(where, "ip prints no mask for 0xffffffff");
            String table = m.group(16);
            if (!table.matches("main|local|default|[1-9][0-9]{0,9}") || table.equals("253") || table.equals("254") || table.equals("255"))
                throw new ParseError(where, "expected a table name or number, got '" + table + "'");
            PolicyRule r = new PolicyRule((int) prio, m.group(2) != null, from, to, mark, mask, m.group(11), m.group(14), table);
            if (DEFAULTS.contains(r) && !defaults.contains(r)) defaults.add(r);
            else out.add(r);
        }
        if (defaults.size() != 3) throw new ParseError(SourceRef.of(file, Math.max(n, 1)), "expected the default rules 0, 32766 and 32767");
        return out;
    }

    private static Prefix prefix(String s, SourceRef where) {
        try {
            Prefix p = Prefix.parse(s);
            if (s.endsWith("/32") || !p.equals(p.network())) throw new IllegalArgumentException();
            return p;
        } catch (IllegalArgumentException e) {
            throw new ParseError(where, "expected A.B.C.D or A.B.C.D/LEN (host bits clear), got '" + s + "'");
        }
    }
}
