/**
 * The differential harness: the same configuration text (iptables-save, ip route, sysctls) is
 * applied to the simulator ({@link io.fnlab.sim.net.Network}) and to this machine's kernel in
 * network namespaces ({@link io.fnlab.lab.netns.NetnsBackend}); every flow's outcome, the tuple
 * the server saw and the tuples of both ends are compared, with run-time port choices unified
 * as variables ({@link io.fnlab.lab.diff.Unifier}).
 *
 * <p>Entry points: {@link io.fnlab.lab.diff.CaseBuilder} builds a {@link io.fnlab.lab.diff.DiffCase};
 * {@link io.fnlab.lab.diff.SimSide#run} and {@link io.fnlab.lab.diff.KernelSide#run} observe it;
 * {@link io.fnlab.lab.diff.Unifier#compare} says where they disagree.
 */
package io.fnlab.lab.diff;
