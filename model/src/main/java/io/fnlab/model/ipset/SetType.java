package io.fnlab.model.ipset;

import java.util.List;

/** The ipset types fnlab models, with the kind of each dimension in order. */
public enum SetType {
    HASH_IP("hash:ip", List.of(Dim.IP)),
    HASH_IP_PORT("hash:ip,port", List.of(Dim.IP, Dim.PORT)),
    HASH_IP_PORT_IP("hash:ip,port,ip", List.of(Dim.IP, Dim.PORT, Dim.IP)),
    HASH_IP_PORT_NET("hash:ip,port,net", List.of(Dim.IP, Dim.PORT, Dim.NET)),
    HASH_NET("hash:net", List.of(Dim.NET)),
    HASH_NET_PORT("hash:net,port", List.of(Dim.NET, Dim.PORT)),
    BITMAP_PORT("bitmap:port", List.of(Dim.PORT));

    /** IP: one address; NET: a prefix; PORT: protocol and port. */
    public enum Dim { IP, NET, PORT }

    private final String label;
    private final List<Dim> dims;

    SetType(String label, List<Dim> dims) {
        this.label = label;
        this.dims = dims;
    }

    public String label() {
        return label;
    }

    public List<Dim> dims() {
        return dims;
    }

    public static SetType parse(String s) {
        for (SetType t : values()) if (t.label.equals(s)) return t;
        throw new IllegalArgumentException("unknown or unmodelled set type '" + s + "'");
    }
}
