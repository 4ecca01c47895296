package io.fnlab.sim.netfilter;

import io.fnlab.model.net.FiveTuple;
import io.fnlab.model.netfilter.targets.Target;
import io.fnlab.sim.conntrack.ConntrackApi;
import io.fnlab.sim.ipset.IpsetRegistry;
import io.fnlab.sim.skb.SkBuff;
import io.fnlab.sim.trace.Step;
import io.fnlab.sim.trace.Tracer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** A scriptable XtContext for tests: every answer is a public field. */
class FakeXtContext implements XtContext {
    int ctState = CtStateBits.NEW;
    boolean tracked = true;
    boolean reply;
    FiveTuple original, replyTuple;
    long ctMark;
    IpsetRegistry ipsets = IpsetRegistry.EMPTY;
    /** addr -> RTN type (ordinal of AddrtypeMatch.AddrType); default UNICAST (1). */
    final Map<Integer, Integer> addrTypes = new HashMap<>();
    /** Dev that was passed with the last addrType call. */
    String lastLimitDev = "unset";
    IpvsConnView ipvsConn;
    final Deque<Integer> randoms = new ArrayDeque<>();
    long now;
    NfVerdict natVerdict = NfVerdict.ACCEPT;
    final List<Target> natCalls = new ArrayList<>();
    final List<String> rejects = new ArrayList<>();
    final List<Step> steps = new ArrayList<>();
    boolean tracing = true;
    int untrackCalls;

    final Tracer tracer = new Tracer() {
        public boolean on() {
            return tracing;
        }

        public void step(Step s) {
            steps.add(s);
        }
    };

    final ConntrackApi ct = new ConntrackApi() {
        public boolean tracked(SkBuff skb) {
            return tracked && !skb.untracked;
        }

        public boolean isReply(SkBuff skb) {
            return reply;
        }

        public FiveTuple original(SkBuff skb) {
            return original;
        }

        public FiveTuple reply(SkBuff skb) {
            return replyTuple;
        }

        public void alterReply(SkBuff skb, FiveTuple newReply) {
            replyTuple = newReply;
        }

        public void untrack(SkBuff skb) {
            untrackCalls++;
            skb.untracked = true;
        }

        public long ctMark(SkBuff skb) {
            return ctMark;
        }

        public void setCtMark(SkBuff skb, long mark) {
            ctMark = mark;
        }
    };

    final RandomGenerator random = new RandomGenerator() {
        public long nextLong() {
            return (long) nextInt() << 32;
        }

        public int nextInt() {
            if (randoms.isEmpty()) throw new AssertionError("test did not script enough random numbers");
            return randoms.poll();
        }
    };

    public int ctStateBits(SkBuff skb) {
        return skb.untracked ? CtStateBits.UNTRACKED : ctState;
    }

    public ConntrackApi conntrack() {
        return ct;
    }

    public boolean ipsetTest(String set, SkBuff skb, boolean[] srcFlags) {
        return ipsets.test(set, skb, srcFlags);
    }

    public int ipsetLookup(String set, SkBuff skb, boolean[] srcFlags) {
        return ipsets.lookup(set, skb, srcFlags);
    }

    public boolean ipsetExists(String set) {
        return ipsets.exists(set);
    }

    public int addrType(int addr, String limitDev) {
        lastLimitDev = limitDev;
        return addrTypes.getOrDefault(addr, 1);
    }

    public IpvsConnView ipvsConn(SkBuff skb) {
        return ipvsConn;
    }

    public RandomGenerator random() {
        return random;
    }

    public long now() {
        return now;
    }

    public Tracer tracer() {
        return tracer;
    }

    public NfVerdict natTarget(Target target, SkBuff skb, HookState state) {
        natCalls.add(target);
        return natVerdict;
    }

    public void reject(String with, SkBuff skb, HookState state) {
        rejects.add(with);
    }

    <T extends Step> List<T> steps(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
