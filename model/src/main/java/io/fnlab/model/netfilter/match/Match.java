package io.fnlab.model.netfilter.match;

/**
 * One match of a rule: the basic ip_tables fields (-s, -d, -i, -o, -p, -f) and every xt_* match
 * module fnlab models. Each record mirrors the kernel module's info struct; the simulator's
 * netfilter package evaluates them with one switch.
 */
public sealed interface Match permits AddrMatch, IfaceMatch, ProtoMatch, FragmentMatch, TcpMatch, UdpMatch,
        IcmpMatch, MultiportMatch, MarkMatch, ConnmarkMatch, ConntrackMatch, StateMatch, SetMatch, IpvsMatch,
        CommentMatch, AddrtypeMatch, StatisticMatch, IprangeMatch, PhysdevMatch, LimitMatch {

    /** The module name after -m, or null for the basic fields. */
    String module();
}
