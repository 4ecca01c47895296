/**
 * A network of simulated hosts: {@link io.fnlab.sim.net.Network} (topology as a JGraphT graph,
 * a deterministic event loop, one seeded random generator per host), {@link
 * io.fnlab.sim.net.FlowResult} per client connection, and {@link io.fnlab.sim.net.TraceJson}
 * for the JSON form of traces (each Step carries a "type" field with its record name).
 *
 * <p>Timing: a frame takes {@link io.fnlab.sim.net.Network#WIRE_DELAY} ms across a segment; a
 * TCP client retransmits its SYN after 1, 3 and 7 s and gives up after
 * {@link io.fnlab.sim.net.Network#CLIENT_TIMEOUT} ms (TIMEOUT, also when the stack had answered a
 * stray SYN-ACK with a RST: the socket never sees it).
 */
package io.fnlab.sim.net;
