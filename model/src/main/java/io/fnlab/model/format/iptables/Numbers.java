package io.fnlab.model.format.iptables;

/** Number syntax of libxtables (xtables_strtoul: base 0, so 0x.. is hex and 0.. octal). */
final class Numbers {
    private Numbers() {}

    /** strtoul(s, &end, 0) that must consume the whole string and stay &lt;= max; null otherwise. */
    static Long parseUnsigned(String s, long max) {
        if (s == null || s.isEmpty()) return null;
        int radix = 10;
        String d = s;
        if (s.length() > 1 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
            radix = 16;
            d = s.substring(2);
        } else if (s.length() > 1 && s.charAt(0) == '0') {
            radix = 8;
            d = s.substring(1);
        }
        if (d.isEmpty() || d.length() > 20) return null;
        long v = 0;
        for (int i = 0; i < d.length(); i++) {
            int c = Character.digit(d.charAt(i), radix);
            if (c < 0 || c > max || v > (max - c) / radix) return null; // v * radix + c would pass max (or overflow)
            v = v * radix + c;
        }
        return v;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v & 0xffffffffL);
    }
}
