package io.fnlab.sim.ipvs;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.sysctl.Sysctls;
import io.fnlab.sim.conntrack.ConntrackApi;
import io.fnlab.sim.host.IpStack;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Tracer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/** An IpStack for IPVS tests: records what IPVS asks of the host. */
final class FakeStack implements IpStack {
    Sysctls sysctls = Sysctls.EMPTY;
    long now = 1_000_000;
    final Set<Integer> local = new HashSet<>();
    final Set<Integer> unreachable = new HashSet<>();
    final List<SkBuff> localOut = new ArrayList<>();
    final List<String> icmp = new ArrayList<>();
    final List<Step> steps = new ArrayList<>();
    final FakeConntrack ct = new FakeConntrack();
    int routeSource = 0;

    final Tracer tracer = new Tracer() {
        public boolean on() {
            return true;
        }

        public void step(Step s) {
            steps.add(s);
        }
    };

    FakeStack sysctl(String k, String v) {
        sysctls = sysctls.with(k, v);
        return this;
    }

    public String hostName() {
        return "director";
    }

    public Sysctls sysctls() {
        return sysctls;
    }

    public long now() {
        return now;
    }

    public RandomGenerator random() {
        return new java.util.Random(1);
    }

    public Tracer tracer() {
        return tracer;
    }

    public boolean routeOutput(SkBuff skb) {
        if (unreachable.contains(skb.daddr)) return false;
        skb.dst = "route-to-" + skb.dst();
        skb.outDev = "eth1";
        if (skb.saddr == 0) skb.saddr = routeSource;
        return true;
    }

    public void localOut(SkBuff skb) {
        localOut.add(skb.copy());
    }

    public boolean isLocalAddress(int addr) {
        return local.contains(addr);
    }

    public ConntrackApi conntrack() {
        return ct;
    }

    public void icmpSend(SkBuff skb, int type, int code) {
        icmp.add(type + "/" + code + " about " + skb);
    }

    /** A conntrack entry as far as IPVS sees it. */
    static final class Entry {
        FiveTuple original;
        FiveTuple reply;
        boolean confirmed;

        Entry(FiveTuple o) {
            original = o;
            reply = o.reversed();
        }
    }

    static final class FakeConntrack implements ConntrackApi {
        final List<FiveTuple> altered = new ArrayList<>();
        int untracked;

        /** Attach a new (unconfirmed) entry for this packet, as nf_conntrack_in would. */
        static Entry attachNew(SkBuff skb) {
            Entry e = new Entry(skb.tuple());
            skb.nfct = e;
            skb.ctinfo = Ipvs.IP_CT_NEW;
            return e;
        }

        public boolean tracked(SkBuff skb) {
            return skb.nfct instanceof Entry && !skb.untracked;
        }

        public boolean isReply(SkBuff skb) {
            return skb.ctinfo >= 3;
        }

        public FiveTuple original(SkBuff skb) {
            return skb.nfct instanceof Entry e ? e.original : null;
        }

        public FiveTuple reply(SkBuff skb) {
            return skb.nfct instanceof Entry e ? e.reply : null;
        }

        public void alterReply(SkBuff skb, FiveTuple newReply) {
            if (skb.nfct instanceof Entry e && !e.confirmed) {
                e.reply = newReply;
                altered.add(newReply);
            }
        }

        public void untrack(SkBuff skb) {
            skb.nfct = null;
            skb.untracked = true;
            untracked++;
        }

        public long ctMark(SkBuff skb) {
            return 0;
        }

        public void setCtMark(SkBuff skb, long mark) {}
    }
}
