package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.net.Ipv4;

/** inet_aton(3) for the decimal forms ipvsadm accepts: "a.b.c.d", "a.b.c" (= a.b.0.c), "a.b", "a". */
final class InetAton {
    private InetAton() {}

    /** null when not an address. */
    static Ipv4 parse(String s) {
        if (s == null) return null;
        String[] p = s.split("\\.", -1);
        if (p.length < 1 || p.length > 4) return null;
        long[] v = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            if (p[i].isEmpty() || p[i].length() > 10 || !p[i].chars().allMatch(Character::isDigit)) return null;
            v[i] = Long.parseLong(p[i]);
        }
        int n = p.length;
        long bits = 0;
        for (int i = 0; i < n - 1; i++) {
            if (v[i] > 255) return null;
            bits = (bits << 8) | v[i];
        }
        if (v[n - 1] > (1L << (8 * (5 - n))) - 1) return null;
        return new Ipv4((int) ((bits << (8 * (5 - n))) | v[n - 1]));
    }
}
