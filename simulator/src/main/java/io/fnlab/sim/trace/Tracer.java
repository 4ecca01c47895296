package io.fnlab.sim.trace;

/**
 * Where walk code reports steps. The fast path (bench, all-packets verification) uses
 * {@link #OFF}, which builds no Step objects: callers test {@link #on()} before creating one.
 */
public interface Tracer {
    boolean on();

    void step(Step s);

    Tracer OFF = new Tracer() {
        public boolean on() {
            return false;
        }

        public void step(Step s) {}
    };
}
