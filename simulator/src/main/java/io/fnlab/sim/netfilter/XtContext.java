package io.fnlab.sim.netfilter;

import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.sim.conntrack.ConntrackApi;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Tracer;
import java.util.random.RandomGenerator;

/**
 * What the xtables walker (tables, matches, targets) needs from the rest of the host. The host
 * implements it; the netfilter package is written against it only.
 */
public interface XtContext {
    /** Bits of CtStateBits for this packet (xt_conntrack --ctstate, xt_state). */
    int ctStateBits(SkBuff skb);

    ConntrackApi conntrack();

    /** ipset lookups (xt_set): true when the packet's fields, taken per flag, are in the set. */
    boolean ipsetTest(String set, SkBuff skb, boolean[] srcFlags);

    /** {@link #ipsetLookup} results: not in the set, in it, or hit an entry flagged nomatch. */
    int IPSET_ABSENT = 0, IPSET_MATCH = 1, IPSET_NOMATCH = 2;

    /**
     * Like {@link #ipsetTest} but tells a nomatch entry apart (xt_set --return-nomatch needs it).
     * Hosts backed by io.fnlab.sim.ipset.IpsetRegistry should override it with registry.lookup.
     */
    default int ipsetLookup(String set, SkBuff skb, boolean[] srcFlags) {
        return ipsetTest(set, skb, srcFlags) ? IPSET_MATCH : IPSET_ABSENT;
    }

    /**
     * The host's sets when it keeps them in an {@link io.fnlab.sim.ipset.IpsetRegistry} (which
     * never changes after it is built): xt_set then resolves its set once instead of by name on
     * every packet. Null: every lookup goes through {@link #ipsetTest}/{@link #ipsetLookup}.
     */
    default io.fnlab.sim.ipset.IpsetRegistry ipsetRegistry() {
        return null;
    }

    /** True when the named ipset exists (xt_set checks at rule insertion; the simulator reports). */
    boolean ipsetExists(String set);

    /** RTN_* type of an address on this host (xt_addrtype): see AddrtypeMatch.AddrType ordinal + 0. */
    int addrType(int addr, String limitDev);

    /** The IPVS connection view of a packet for xt_ipvs; null when the packet has none. */
    IpvsConnView ipvsConn(SkBuff skb);

    RandomGenerator random();

    long now();

    Tracer tracer();

    /**
     * A NAT target (DNAT, SNAT, MASQUERADE, REDIRECT) fired: set up the binding as the target's
     * nf_nat_setup_info call does, and return its verdict (NF_ACCEPT normally, NF_DROP when no
     * unique tuple or no source address could be found).
     */
    NfVerdict natTarget(Target target, SkBuff skb, HookState state);

    /** REJECT: send the ICMP error or TCP RST it asks for (the packet itself is then dropped). */
    void reject(String with, SkBuff skb, HookState state);

    /** The view xt_ipvs takes of an IPVS connection (struct ip_vs_conn fields it reads). */
    interface IpvsConnView {
        int vaddr();

        int vport();

        int protocol();

        /** "MASQ", "GATE" or "IPIP". */
        String method();

        /** The control connection's vport (FTP), 0 when none. */
        int vportctl();
    }

    /** Bit values for ctStateBits, as XT_CONNTRACK_STATE_* and XT_STATE_* define them. */
    final class CtStateBits {
        public static final int INVALID = 1;
        public static final int ESTABLISHED = 1 << 1;
        public static final int RELATED = 1 << 2;
        public static final int NEW = 1 << 3;
        public static final int UNTRACKED = 1 << 4;
        public static final int SNAT = 1 << 5;
        public static final int DNAT = 1 << 6;

        private CtStateBits() {}
    }
}
