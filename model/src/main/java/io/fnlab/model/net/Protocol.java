package io.fnlab.model.net;

/** An IP protocol number with the names iptables and ipvsadm use. */
public record Protocol(int number) {
    public static final Protocol ALL = new Protocol(0);
    public static final Protocol ICMP = new Protocol(1);
    public static final Protocol IPIP = new Protocol(4);
    public static final Protocol TCP = new Protocol(6);
    public static final Protocol UDP = new Protocol(17);
    public static final Protocol GRE = new Protocol(47);
    public static final Protocol SCTP = new Protocol(132);

    public Protocol {
        if (number < 0 || number > 255) throw new IllegalArgumentException("protocol number out of range: " + number);
    }

    /** Accepts names (any case) and numbers, as iptables -p does. */
    public static Protocol parse(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "all": return ALL;
            case "icmp": return ICMP;
            case "ipip": case "ipencap": return IPIP;
            case "tcp": return TCP;
            case "udp": return UDP;
            case "gre": return GRE;
            case "sctp": return SCTP;
            default:
                if (!s.isEmpty() && s.length() <= 3 && s.chars().allMatch(Character::isDigit)) {
                    int n = Integer.parseInt(s);
                    if (n <= 255) return new Protocol(n);
                }
                throw new IllegalArgumentException("unknown protocol '" + s + "'");
        }
    }

    public boolean hasPorts() {
        return number == 6 || number == 17 || number == 132;
    }

    /** The name iptables-save prints. */
    public String name() {
        return switch (number) {
            case 0 -> "all";
            case 1 -> "icmp";
            case 4 -> "ipip";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 47 -> "gre";
            case 132 -> "sctp";
            default -> Integer.toString(number);
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
