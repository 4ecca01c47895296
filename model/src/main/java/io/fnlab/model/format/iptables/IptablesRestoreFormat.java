package io.fnlab.model.format.iptables;

import io.fnlab.model.format.scenario.ConfigFormat;
import io.fnlab.model.scenario.HostConfigBuilder;

/**
 * `kind: iptables-save` and `kind: iptables-restore` in a scenario: the text is fed to
 * iptables-restore without --noflush, as restoring a saved file on a real host does (each table
 * in the file is replaced; tables not in it are kept).
 */
public class IptablesRestoreFormat implements ConfigFormat {
    @Override
    public String kind() {
        return "iptables-restore";
    }

    @Override
    public void apply(HostConfigBuilder b, String text, String file) {
        IptablesSave.restore(b.iptables, text, file, false);
    }

    /** The same for files named after the tool that wrote them. */
    public static final class Save extends IptablesRestoreFormat {
        @Override
        public String kind() {
            return "iptables-save";
        }
    }
}
