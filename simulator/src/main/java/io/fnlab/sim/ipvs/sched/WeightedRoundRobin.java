package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;
import java.util.List;

/**
 * ip_vs_wrr.c: mark {cl, cw, mw, di}. di = gcd of positive weights (1 when none), mw = max weight
 * - (di - 1), cw starts at mw. ip_vs_wrr_schedule continues from cl, takes a dest with weight >= cw;
 * at the list end cw -= di (back to mw when <= 0); the last_pass/restarted/stop logic ends the
 * search when all dests were checked for weight >= 1. dest_changed resets cl to the head and
 * rounds cw: cw = mw when cw > mw or cw is 0, else cw = (cw / di) * di + 1 when di > 1.
 *
 * <p>Because ipvsadm -A creates the service empty (init: mw 0, cw 0) and each -a calls
 * dest_changed, cw is set by the FIRST dest added (its mw: weight - (di - 1), which is 1 for any
 * single weight since di is then that weight) and rarely moves after: the first pass after the adds
 * usually takes every dest of weight >= 1 in list order, then cw restarts at mw. Checked on a 6.1
 * kernel (VmIpvsSchedDiffTest): weights 2 4 1 3 5 added in that order gave rs4 rs2 rs5 rs1 rs3,
 * then rs4 rs4 rs1 rs4 rs2 rs1...; 2 3 4 gave A B C A A B; 1 0 3 gave rs3 rs1 rs3 rs3 rs3 rs1.
 */
final class WeightedRoundRobin implements Scheduler {
    private static final int HEAD = -1;
    private IpvsDest cl; // null = head
    private int cw;
    private int mw;
    private int di;

    @Override
    public String name() {
        return "wrr";
    }

    @Override
    public void init(IpvsService svc) {
        cl = null;
        di = gcdWeight(svc);
        mw = maxWeight(svc) - (di - 1);
        cw = mw;
    }

    @Override
    public void destsChanged(IpvsService svc) {
        cl = null;
        di = gcdWeight(svc);
        mw = maxWeight(svc) - (di - 1);
        if (cw > mw || cw == 0) cw = mw;
        else if (di > 1) cw = (cw / di) * di + 1;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    static int gcdWeight(IpvsService svc) {
        int g = 0;
        for (IpvsDest d : svc.dests()) {
            int w = d.weight();
            if (w > 0) g = g > 0 ? gcd(w, g) : w;
        }
        return g != 0 ? g : 1;
    }

    static int maxWeight(IpvsService svc) {
        int m = 0;
        for (IpvsDest d : svc.dests()) m = Math.max(m, d.weight());
        return m;
    }

    public int currentWeight() {
        return cw;
    }

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        List<IpvsDest> l = svc.dests();
        int pos = cl == null ? HEAD : l.indexOf(cl);
        if (mw == 0) return Pick.none("wrr: no destination available (max weight 0)");
        int last = pos;
        int stop = Integer.MIN_VALUE;
        boolean lastPass = false, restarted = false;
        while (true) {
            for (pos = pos + 1; pos < l.size(); pos++) {
                IpvsDest d = l.get(pos);
                if (!d.overloaded() && d.weight() >= cw) {
                    cl = d;
                    int w = d.weight(), c = cw, g = di, m = mw;
                    return new Pick(d, () -> "wrr: weight " + w + " >= cw " + c + " (di " + g + ", mw " + m + ")");
                }
                if (pos == stop) {
                    cl = d;
                    return Pick.none("wrr: no destination available: all destinations are overloaded");
                }
            }
            pos = HEAD;
            cw -= di;
            if (cw <= 0) {
                cw = mw;
                if (lastPass || last == HEAD) {
                    cl = null;
                    return Pick.none("wrr: no destination available: all destinations are overloaded");
                }
                restarted = true;
            }
            lastPass = cw <= di;
            if (lastPass && restarted && last != HEAD) stop = last;
        }
    }
}
