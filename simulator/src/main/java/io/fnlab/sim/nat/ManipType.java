package io.fnlab.sim.nat;

import io.fnlab.model.netfilter.Hook;

/** enum nf_nat_manip_type and HOOK2MANIP: source manip at POSTROUTING and INPUT, destination at PREROUTING and OUTPUT. */
public enum ManipType {
    SRC, DST;

    public static ManipType of(Hook h) {
        return h == Hook.POSTROUTING || h == Hook.INPUT ? SRC : DST;
    }

    public ManipType other() {
        return this == SRC ? DST : SRC;
    }
}
