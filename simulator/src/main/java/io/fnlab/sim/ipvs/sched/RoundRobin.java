package io.fnlab.sim.ipvs.sched;

import io.fnlab.sim.ipvs.IpvsDest;
import io.fnlab.sim.ipvs.IpvsService;
import io.fnlab.sim.skb.SkBuff;
import java.util.List;

/**
 * ip_vs_rr.c. sched_data points at the last chosen dest's list node, initially the list head.
 * ip_vs_rr_schedule walks on from there, wrapping once, and takes the first dest that is not
 * overloaded and has weight > 0. ip_vs_rr_del_dest moves the cursor to the previous node.
 */
final class RoundRobin implements Scheduler {
    /** The last chosen dest; null = the list head. */
    private IpvsDest last;
    /** Where last was in the list when chosen: checked before use, the list may have changed since. */
    private int lastIndex;

    @Override
    public String name() {
        return "rr";
    }

    @Override
    public void destRemoving(IpvsService svc, IpvsDest d) {
        if (last == d) {
            int i = svc.dests().indexOf(d);
            last = i <= 0 ? null : svc.dests().get(i - 1);
        }
    }

    private static final java.util.function.Supplier<String> FIRST = () -> "rr: first usable from list head";

    @Override
    public Pick schedule(IpvsService svc, SkBuff skb, long now) {
        List<IpvsDest> l = svc.dests();
        int n = l.size();
        int start = last == null ? -1 : lastIndex < n && l.get(lastIndex) == last ? lastIndex : l.indexOf(last);
        // from the node after last to the end, then (when last is a dest) from the head up to last itself
        for (int k = 1; k <= n; k++) {
            int i = Math.floorMod(start + k, n);
            IpvsDest d = l.get(i);
            if (!d.overloaded() && d.weight() > 0) {
                IpvsDest prev = last;
                last = d;
                lastIndex = i;
                return new Pick(d, prev == null ? FIRST : () -> "rr: next after " + prev.endpoint());
            }
        }
        return Pick.none("rr: no destination available (all weight 0 or overloaded)");
    }
}
