package io.fnlab.sim.ipvs;

/** struct ip_vs_kstats: the counters `ipvsadm -Ln --stats` prints. */
public final class IpvsStats {
    long conns;
    long inPkts;
    long outPkts;
    long inBytes;
    long outBytes;

    public long conns() {
        return conns;
    }

    public long inPkts() {
        return inPkts;
    }

    public long outPkts() {
        return outPkts;
    }

    public long inBytes() {
        return inBytes;
    }

    public long outBytes() {
        return outBytes;
    }
}
