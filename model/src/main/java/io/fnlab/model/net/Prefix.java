package io.fnlab.model.net;

/**
 * An address with a prefix length. {@link #address()} keeps the host bits as written (an
 * interface address "10.0.0.1/24" is a Prefix too); {@link #network()} clears them.
 */
public record Prefix(Ipv4 address, int length) implements Comparable<Prefix> {
    public static final Prefix ANY = new Prefix(Ipv4.ANY, 0);

    public Prefix {
        if (length < 0 || length > 32) throw new IllegalArgumentException("prefix length out of range: " + length);
    }

    /** "a.b.c.d", "a.b.c.d/n" or "a.b.c.d/m.m.m.m" (iptables accepts dotted masks). */
    public static Prefix parse(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) return new Prefix(Ipv4.parse(s), 32);
        Ipv4 a = Ipv4.parse(s.substring(0, slash));
        String m = s.substring(slash + 1);
        if (m.indexOf('.') >= 0) {
            int mask = Ipv4.parse(m).bits();
            int len = Integer.bitCount(mask);
            if (mask != maskOf(len)) throw new IllegalArgumentException("non-contiguous netmask: '" + m + "'");
            return new Prefix(a, len);
        }
        if (m.isEmpty() || m.length() > 2 || !m.chars().allMatch(Character::isDigit))
            throw new IllegalArgumentException("bad prefix length in '" + s + "'");
        int len = Integer.parseInt(m);
        if (len > 32) throw new IllegalArgumentException("prefix length over 32 in '" + s + "'");
        return new Prefix(a, len);
    }

    public static Prefix host(Ipv4 a) {
        return new Prefix(a, 32);
    }

    public static int maskOf(int len) {
        return len == 0 ? 0 : (int) (0xffffffffL << (32 - len));
    }

    public int mask() {
        return maskOf(length);
    }

    public Prefix network() {
        return new Prefix(new Ipv4(address.bits() & mask()), length);
    }

    public Ipv4 broadcast() {
        return new Ipv4(address.bits() | ~mask());
    }

    public boolean contains(Ipv4 a) {
        return ((a.bits() ^ address.bits()) & mask()) == 0;
    }

    public boolean contains(Prefix p) {
        return p.length >= length && contains(p.address);
    }

    @Override
    public int compareTo(Prefix o) {
        int c = address.compareTo(o.address);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    /** Always with the length, as iptables-save prints it ("10.1.1.1/32"). */
    @Override
    public String toString() {
        return address + "/" + length;
    }
}
