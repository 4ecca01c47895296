package io.fnlab.model.netfilter.targets;

/**
 * MARK (revision 2): skb->mark = (skb->mark &amp; ~mask) ^ value. --set-mark v is v/0xffffffff,
 * --or-mark v is v/v, --and-mark v is 0/~v, --xor-mark v is v/0. {@code written} keeps which
 * option the user wrote so that command scripts print back as written; iptables-save always
 * prints --set-xmark.
 */
public record Mark(long value, long mask, String written) implements Target {
    public long apply(long mark) {
        return ((mark & ~mask) ^ value) & 0xffffffffL;
    }

    public String name() {
        return "MARK";
    }

    public boolean terminal() {
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mark m && m.value == value && m.mask == mask;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value) * 31 + Long.hashCode(mask);
    }
}
