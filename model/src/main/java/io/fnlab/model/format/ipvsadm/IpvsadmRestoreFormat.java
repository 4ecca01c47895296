package io.fnlab.model.format.ipvsadm;

import io.fnlab.model.format.scenario.ConfigFormat;
import io.fnlab.model.scenario.HostConfigBuilder;

/**
 * `kind: ipvsadm-save` in a scenario: `ipvsadm -R` of `ipvsadm -Sn` text. As on a real host,
 * each restored server goes to the head of its service's list.
 */
public final class IpvsadmRestoreFormat implements ConfigFormat {
    @Override
    public String kind() {
        return "ipvsadm-save";
    }

    @Override
    public void apply(HostConfigBuilder b, String text, String file) {
        b.diagnostics.addAll(IpvsadmSave.restore(b.ipvs, text, file));
    }
}
