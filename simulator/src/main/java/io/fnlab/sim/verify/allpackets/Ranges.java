package io.fnlab.sim.verify.allpackets;

import io.fnlab.model.net.Prefix;

/** Prefixes as unsigned inclusive ranges. */
final class Ranges {
    private Ranges() {}

    static long lo(Prefix p) {
        return (p.address().bits() & Prefix.maskOf(p.length())) & 0xffffffffL;
    }

    static long hi(Prefix p) {
        return lo(p) | (~Prefix.maskOf(p.length()) & 0xffffffffL);
    }

    static long u(int addr) {
        return addr & 0xffffffffL;
    }
}
