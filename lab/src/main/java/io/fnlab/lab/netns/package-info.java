/**
 * Lab cases as network namespaces: {@link io.fnlab.lab.netns.LabPlan} (backend-neutral topology,
 * setup scripts, servers, steps), {@link io.fnlab.lab.netns.LabScript} (the one plan-to-shell
 * generator, used on the host and inside the VM), {@link io.fnlab.lab.netns.NetnsBackend} (runs a
 * plan on this machine's kernel) and {@link io.fnlab.lab.netns.LabResult} (what came back).
 */
package io.fnlab.lab.netns;
