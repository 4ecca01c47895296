package io.fnlab.sim.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The connection table with numeric keys and the lazy timer heap answers as the record-keyed maps
 * and sorted timer set it replaced ({@link ReferenceConnTable}): the same lookups, the same list,
 * and the same timers fired in the same order, through hashes, unhashes, removals, re-arms to
 * later and earlier times, and fired timers that re-arm themselves or remove other connections.
 */
class ConnTablePropertyTest {
    @Property(tries = 300)
    void answersAsTheSortedSetTable(@ForAll long seed) {
        Random r = new Random(seed);
        ConnTable neu = new ConnTable();
        ReferenceConnTable old = new ReferenceConnTable();
        List<IpvsConn> ns = new ArrayList<>(), os = new ArrayList<>();
        Map<IpvsConn, Integer> label = new IdentityHashMap<>();
        long now = 0;
        // a third of the runs spread times over several turns of the timer wheel (4096 ms)
        int scale = r.nextInt(3) == 0 ? 200 : 1;
        for (int op = 0; op < 400; op++) {
            int k = r.nextInt(10);
            if (k <= 2 || ns.isEmpty()) {
                // a few addresses and ports only: keys collide, templates and connections share addresses
                int proto = r.nextBoolean() ? 6 : 17, ca = r.nextInt(4), cp = r.nextInt(3), va = 100 + r.nextInt(2),
                        vp = r.nextInt(2), da = 200 + r.nextInt(3), dp = r.nextInt(2);
                boolean tpl = r.nextInt(5) == 0;
                long exp = now + (long) r.nextInt(50) * scale;
                IpvsConn a = conn(proto, ca, tpl ? 0 : cp, va, vp, da, dp, tpl, exp), b = conn(proto, ca, tpl ? 0 : cp, va, vp, da, dp, tpl, exp);
                label.put(a, ns.size());
                label.put(b, os.size());
                ns.add(a);
                os.add(b);
                neu.hash(a);
                old.hash(b);
            } else if (k == 3) {
                int i = r.nextInt(ns.size());
                neu.unhash(ns.get(i));
                old.unhash(os.get(i));
            } else if (k == 4) {
                int i = r.nextInt(ns.size());
                ns.get(i).expired = os.get(i).expired = true;
                neu.remove(ns.get(i));
                old.remove(os.get(i));
            } else if (k <= 6) {
                int i = r.nextInt(ns.size());
                long at = now + ((long) r.nextInt(60) - (r.nextInt(4) == 0 ? 10 : 0)) * scale;
                neu.setTimer(ns.get(i), at);
                old.setTimer(os.get(i), at);
            } else if (k == 7) {
                int proto = r.nextBoolean() ? 6 : 17, a1 = r.nextInt(4), p1 = r.nextInt(3), a2 = r.nextInt(3), p2 = r.nextInt(2);
                assertEquals(lab(label, old.inGet(proto, a1, p1, 100 + a2 % 2, p2)), lab(label, neu.inGet(proto, a1, p1, 100 + a2 % 2, p2)));
                assertEquals(lab(label, old.outGet(proto, 200 + a2, p2, a1, p1)), lab(label, neu.outGet(proto, 200 + a2, p2, a1, p1)));
                assertEquals(lab(label, old.templateGet(proto, a1, 100 + a2 % 2, p2)), lab(label, neu.templateGet(proto, a1, 100 + a2 % 2, p2)));
            } else {
                now += (long) r.nextInt(30) * scale;
                long at = now;
                long fireSeed = r.nextLong();
                List<Integer> firedOld = new ArrayList<>(), firedNew = new ArrayList<>();
                old.expire(at, fire(old::remove, os, label, firedOld, fireSeed, at));
                neu.expire(at, fire(neu::remove, ns, label, firedNew, fireSeed, at));
                assertEquals(firedOld, firedNew);
            }
            assertEquals(old.size(), neu.size());
            assertEquals(labels(label, old.all()), labels(label, neu.all()));
            for (int i = 0; i < ns.size(); i++) {
                assertEquals(os.get(i).expiresAt, ns.get(i).expiresAt);
                assertEquals(os.get(i).expired, ns.get(i).expired);
            }
        }
        assertTrue(neu.timerEntries() <= 2 * ns.size() + 1, "stale timer entries are dropped as they come up");
    }

    /** A fired timer: re-arms itself (a template still controlling connections), or dies and sometimes takes another with it. */
    private static java.util.function.Consumer<IpvsConn> fire(java.util.function.Consumer<IpvsConn> remove, List<IpvsConn> all,
                                                                Map<IpvsConn, Integer> label, List<Integer> fired, long seed, long now) {
        Random r = new Random(seed);
        return c -> {
            fired.add(label.get(c));
            int k = r.nextInt(4);
            if (k == 0) {
                c.expiresAt = now + 1 + r.nextInt(40);
            } else {
                c.expired = true;
                remove.accept(c);
                if (k == 1) {
                    IpvsConn other = all.get(r.nextInt(all.size()));
                    if (!other.expired) {
                        other.expired = true;
                        remove.accept(other);
                    }
                }
            }
        };
    }

    private static IpvsConn conn(int proto, int ca, int cp, int va, int vp, int da, int dp, boolean tpl, long exp) {
        IpvsConn c = new IpvsConn(null, proto, ca, cp, va, vp, da, dp, 0);
        if (tpl) c.flags |= IpvsConn.F_TEMPLATE;
        c.expiresAt = exp;
        return c;
    }

    private static Integer lab(Map<IpvsConn, Integer> label, IpvsConn c) {
        return c == null ? null : label.get(c);
    }

    private static List<Integer> labels(Map<IpvsConn, Integer> label, List<IpvsConn> l) {
        return l.stream().map(label::get).toList();
    }
}
