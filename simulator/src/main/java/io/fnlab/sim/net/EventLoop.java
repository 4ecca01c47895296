package io.fnlab.sim.net;

import java.util.PriorityQueue;

/**
 * A deterministic discrete-event loop: events run in order of time, then of scheduling (a
 * sequence number), so that a run with the same seed always does the same thing.
 */
public final class EventLoop {
    private record Event(long time, long seq, Runnable action) {}

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    public long now() {
        return now;
    }

    public void at(long time, Runnable r) {
        queue.add(new Event(Math.max(time, now), seq++, r));
    }

    /** Run events until none is left or the next one is after limit; returns the number run. */
    public long run(long limit) {
        long n = 0;
        while (!queue.isEmpty() && queue.peek().time <= limit) {
            Event e = queue.poll();
            now = e.time;
            e.action.run();
            n++;
        }
        return n;
    }

    public boolean idle() {
        return queue.isEmpty();
    }
}
