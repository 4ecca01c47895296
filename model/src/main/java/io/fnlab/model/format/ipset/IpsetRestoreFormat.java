package io.fnlab.model.format.ipset;

import io.fnlab.model.format.scenario.ConfigFormat;
import io.fnlab.model.scenario.HostConfigBuilder;

/**
 * `kind: ipset-save` in a scenario: the text is given to `ipset restore`, as restoring a saved
 * file on a real host does; a failing line is reported with ipset's message (restore stops there).
 */
public final class IpsetRestoreFormat implements ConfigFormat {
    @Override
    public String kind() {
        return "ipset-save";
    }

    @Override
    public void apply(HostConfigBuilder b, String text, String file) {
        IpsetSave.restore(b.ipsets, text, file, false).ifPresent(b.diagnostics::add);
    }
}
