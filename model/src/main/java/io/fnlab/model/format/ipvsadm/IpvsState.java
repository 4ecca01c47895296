package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.ipvs.IpvsConfig;

/** The kernel's IPVS configuration as ipvsadm commands change it. STUB: replaced by the ipvsadm format work. */
public final class IpvsState {
    public IpvsConfig toConfig() {
        return IpvsConfig.EMPTY;
    }
}
