/**
 * fnlab-probe, the lab's traffic endpoint (C source: src/main/c/fnlab-probe.c, shipped as a
 * resource and compiled with gcc -static on first use): {@link io.fnlab.lab.probe.ProbeBinary}
 * builds it, {@link io.fnlab.lab.probe.ProbeEvent} parses its JSON lines.
 */
package io.fnlab.lab.probe;
