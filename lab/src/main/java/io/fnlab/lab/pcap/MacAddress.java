package io.fnlab.lab.pcap;

/** A 48-bit Ethernet address held in the low bits of a long. */
public record MacAddress(long bits) {
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        if ((bits >>> 48) != 0) throw new IllegalArgumentException("MAC address wider than 48 bits: " + Long.toHexString(bits));
    }

    /** Parses aa:bb:cc:dd:ee:ff; throws IllegalArgumentException naming the text. */
    public static MacAddress parse(String s) {
        String[] p = s.split(":", -1);
        if (p.length != 6) throw new IllegalArgumentException("not a MAC address: '" + s + "'");
        long v = 0;
        for (String x : p) {
            if (x.isEmpty() || x.length() > 2) throw new IllegalArgumentException("not a MAC address: '" + s + "'");
            try {
                v = (v << 8) | Integer.parseInt(x, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: '" + s + "'");
            }
        }
        return new MacAddress(v);
    }

    void writeTo(byte[] b, int off) {
        for (int i = 0; i < 6; i++) b[off + i] = (byte) (bits >>> (40 - 8 * i));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) b.append(':');
            int x = (int) (bits >>> (40 - 8 * i)) & 0xff;
            b.append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 15, 16));
        }
        return b.toString();
    }
}
