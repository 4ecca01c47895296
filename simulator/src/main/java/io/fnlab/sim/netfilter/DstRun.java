package io.fnlab.sim.netfilter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run of consecutive rules in one chain that each test "-d ADDR/32" without !. A packet can
 * only match those of the run whose address is its own, so the walk skips straight to them:
 * the same rules are evaluated in the same order as ipt_do_table's linear scan would evaluate
 * them past ip_packet_match, so verdicts, counters and stateful matches (statistic --nth,
 * limit) are unchanged. This is what keeps a 10,000-service KUBE-SERVICES chain fast.
 */
final class DstRun {
    /** Runs shorter than this are scanned as they are. */
    static final int MIN_LENGTH = 8;

    final int start, end;
    private final int[] keys;
    private final int[][] positions;
    private final boolean[] used;
    private final int mask;

    private DstRun(int start, int end, Map<Integer, List<Integer>> byAddr) {
        this.start = start;
        this.end = end;
        int cap = Integer.highestOneBit(Math.max(4, byAddr.size() * 2 + 1)) * 2;
        keys = new int[cap];
        positions = new int[cap][];
        used = new boolean[cap];
        mask = cap - 1;
        for (Map.Entry<Integer, List<Integer>> e : byAddr.entrySet()) {
            int i = slot(e.getKey());
            while (used[i]) i = (i + 1) & mask;
            used[i] = true;
            keys[i] = e.getKey();
            positions[i] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private int slot(int addr) {
        int h = addr * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** The first entry at or after pos (inside the run) that can match daddr, or the run's end. */
    int next(int daddr, int pos) {
        int i = slot(daddr);
        while (used[i]) {
            if (keys[i] == daddr) {
                for (int p : positions[i]) if (p >= pos) return p;
                return end;
            }
            i = (i + 1) & mask;
        }
        return end;
    }

    static boolean indexable(XtRule e) {
        return e.kind == XtRule.RULE && e.ip != null && e.ip.hasDst && !e.ip.invDst && e.ip.dmsk == -1;
    }

    /** Marks the runs of entries [from, to) of one chain. */
    static void index(XtRule[] es, int from, int to) {
        int i = from;
        while (i < to) {
            if (!indexable(es[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j < to && indexable(es[j])) j++;
            if (j - i >= MIN_LENGTH) {
                Map<Integer, List<Integer>> byAddr = new LinkedHashMap<>();
                for (int k = i; k < j; k++) byAddr.computeIfAbsent(es[k].ip.dst, a -> new ArrayList<>()).add(k);
                DstRun run = new DstRun(i, j, byAddr);
                for (int k = i; k < j; k++) es[k].run = run;
            }
            i = j;
        }
    }
}
