package io.fnlab.lab.ipvsdiff;

import java.util.List;

/**
 * One IPVS service of a scheduler differential test: the scheduler (ipvsadm -s) and its flags (-b,
 * may be empty), the real servers in the order they are added (weights as given; the kernel puts
 * each new one at the head of svc->destinations), and the connections made to it, one after
 * another. A held connection stays open (ESTABLISHED: an IPVS active connection) until the run
 * ends; the others are closed before the next starts (inactive: FIN_WAIT/TIME_WAIT in IPVS).
 */
public record SchedCase(String scheduler, String flags, List<Dest> dests, List<Conn> conns) {
    public SchedCase {
        dests = List.copyOf(dests);
        conns = List.copyOf(conns);
        if (!scheduler.matches("[a-z]{1,8}")) throw new IllegalArgumentException("bad scheduler " + scheduler);
    }

    /** rs is the real server's index (1 = rs1). */
    public record Dest(int rs, int weight) {}

    /** client is the client's index (1 = client1); sport 0 = ephemeral. */
    public record Conn(int client, int sport, boolean hold) {}

    /** A name for reports: scheduler plus flags. */
    public String label() {
        return flags.isEmpty() ? scheduler : scheduler + "[" + flags + "]";
    }
}
