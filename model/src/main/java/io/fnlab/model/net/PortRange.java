package io.fnlab.model.net;

/** An inclusive port range; a single port has from == to. */
public record PortRange(int from, int to) {
    public static final PortRange ALL = new PortRange(0, 65535);

    public PortRange {
        if (from < 0 || to > 65535 || from > to) throw new IllegalArgumentException("bad port range " + from + ":" + to);
    }

    public static PortRange single(int p) {
        return new PortRange(p, p);
    }

    /** "80", "1024:65535", ":1023", "1024:" and, with sep '-', "1024-2048". */
    public static PortRange parse(String s, char sep) {
        int i = s.indexOf(sep);
        if (i < 0) return single(port(s));
        int a = i == 0 ? 0 : port(s.substring(0, i));
        int b = i == s.length() - 1 ? 65535 : port(s.substring(i + 1));
        if (a > b) throw new IllegalArgumentException("port range '" + s + "' has its ends swapped");
        return new PortRange(a, b);
    }

    public static int port(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit))
            throw new IllegalArgumentException("not a port number: '" + s + "'");
        int p = Integer.parseInt(s);
        if (p > 65535) throw new IllegalArgumentException("port out of range: '" + s + "'");
        return p;
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    public boolean isSingle() {
        return from == to;
    }

    public String format(char sep) {
        return isSingle() ? Integer.toString(from) : from + String.valueOf(sep) + to;
    }

    @Override
    public String toString() {
        return format(':');
    }
}
