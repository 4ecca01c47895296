package io.fnlab.lab.vm;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one VM boot produced. exitCode is the job script's exit status (-1 when the VM was killed by
 * the timeout or never reported one); console is everything the guest printed on ttyS0; outputs are
 * the files the job left under /out, keyed by path relative to /out ("case1/client.pcap").
 */
public record VmResult(int exitCode, String console, Map<String, byte[]> outputs, boolean timedOut, long bootMillis) {
    public VmResult {
        outputs = Collections.unmodifiableMap(new TreeMap<>(outputs));
    }

    public String text(String name) {
        byte[] b = outputs.get(name);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
