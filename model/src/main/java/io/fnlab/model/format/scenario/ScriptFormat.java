package io.fnlab.model.format.scenario;

import io.fnlab.model.scenario.HostConfigBuilder;

/** `kind: script`: a shell-like command script (iptables, ipset, ipvsadm, ip, sysctl, modprobe lines). */
public final class ScriptFormat implements ConfigFormat {
    @Override
    public String kind() {
        return "script";
    }

    @Override
    public void apply(HostConfigBuilder b, String text, String file) {
        HostScript.discovered().run(b, text, file);
    }
}
