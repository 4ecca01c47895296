package io.fnlab.model.format.scenario;

import io.fnlab.model.scenario.HostConfigBuilder;

/**
 * `kind: sysctl-conf`: the sysctl.conf(5) format `sysctl -p` reads: `key = value` lines, '#' or ';'
 * comments, blank lines, a leading '-' meaning "ignore failure". Keys are normalised as sysctl(8)
 * does (slashes to dots); values are kept as written, trimmed.
 */
public final class SysctlConfFormat implements ConfigFormat {
    @Override
    public String kind() {
        return "sysctl-conf";
    }

    @Override
    public void apply(HostConfigBuilder b, String text, String file) {
        b.sysctls.putAll(io.fnlab.model.format.sysctl.SysctlConf.read(text, file));
    }
}
