/**
 * Teaching output: the hook registry of a host as nf_hook_ops lists it, a flow's walk hook by
 * hook and rule by rule, a sequence diagram of a flow across hosts (text and a self-contained
 * HTML page with inline SVG), and the side-by-side comparison of the IPVS forwarding modes.
 * Everything here reads what the simulator recorded (io.fnlab.sim.trace); nothing re-derives
 * kernel behaviour.
 */
package io.fnlab.sim.explain;
