package io.fnlab.model.format.iptables;

import java.nio.charset.StandardCharsets;

/** Byte-length limits of kernel strings (comments, log prefixes), counted in UTF-8 bytes. */
final class Utf8 {
    private Utf8() {}

    static String truncate(String s, int maxBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= maxBytes) return s;
        int n = maxBytes;
        while (n > 0 && (b[n] & 0xc0) == 0x80) n--; // never cut inside a character
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
