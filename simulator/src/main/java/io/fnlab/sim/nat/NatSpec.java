package io.fnlab.sim.nat;

import io.fnlab.model.net.PortRange;

/**
 * struct nf_nat_range2, reduced: the address range (mapIps = NF_NAT_RANGE_MAP_IPS), the port
 * range (null = not NF_NAT_RANGE_PROTO_SPECIFIED), --random (PROTO_RANDOM), --random-fully
 * (PROTO_RANDOM_FULLY), --persistent.
 */
public record NatSpec(boolean mapIps, int minAddr, int maxAddr, PortRange ports, boolean random, boolean randomFully,
                      boolean persistent) {
    public boolean randomAll() {
        return random || randomFully;
    }

    public static NatSpec address(int a) {
        return new NatSpec(true, a, a, null, false, false, false);
    }
}
