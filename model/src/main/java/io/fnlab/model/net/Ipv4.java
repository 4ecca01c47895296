package io.fnlab.model.net;

/** An IPv4 address held as its 32 bits (network order, unsigned semantics). */
public record Ipv4(int bits) implements Comparable<Ipv4> {
    public static final Ipv4 ANY = new Ipv4(0);

    /** Parses dotted quad; throws IllegalArgumentException with the offending text. */
    public static Ipv4 parse(String s) {
        int value = 0, parts = 0, cur = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (cur < 0 || cur > 255 || parts == 4) throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
                value = (value << 8) | cur;
                parts++;
                cur = -1;
            } else if (c >= '0' && c <= '9') {
                cur = (cur < 0 ? 0 : cur * 10) + (c - '0');
                if (cur > 255) throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
            } else {
                throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
            }
        }
        if (parts != 4) throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
        return new Ipv4(value);
    }

    public static boolean isValid(String s) {
        try {
            parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static Ipv4 of(int a, int b, int c, int d) {
        return new Ipv4((a << 24) | (b << 16) | (c << 8) | d);
    }

    public long unsigned() {
        return bits & 0xffffffffL;
    }

    public Ipv4 plus(long n) {
        return new Ipv4((int) (unsigned() + n));
    }

    public boolean isLoopback() {
        return (bits >>> 24) == 127;
    }

    public boolean isMulticast() {
        return (bits >>> 28) == 0xe;
    }

    @Override
    public int compareTo(Ipv4 o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    @Override
    public String toString() {
        return ((bits >>> 24) & 255) + "." + ((bits >>> 16) & 255) + "." + ((bits >>> 8) & 255) + "." + (bits & 255);
    }
}
