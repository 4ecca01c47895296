package io.fnlab.model.net;

/** An address and port, "10.1.1.1:80". */
public record Endpoint(Ipv4 address, int port) {
    public static Endpoint parse(String s) {
        int c = s.lastIndexOf(':');
        if (c < 0) throw new IllegalArgumentException("expected ADDRESS:PORT, got '" + s + "'");
        return new Endpoint(Ipv4.parse(s.substring(0, c)), PortRange.port(s.substring(c + 1)));
    }

    @Override
    public String toString() {
        return address + ":" + port;
    }
}
