package io.fnlab.model.netfilter.match;

/** -i / -o; a name ending in '+' matches every interface with that prefix. */
public record IfaceMatch(Direction dir, String name, boolean negated) implements Match {
    public enum Direction { IN, OUT }

    public boolean matches(String iface) {
        if (iface == null) iface = "";
        boolean m = name.endsWith("+") ? iface.startsWith(name.substring(0, name.length() - 1)) : iface.equals(name);
        return m != negated;
    }

    public String module() {
        return null;
    }
}
