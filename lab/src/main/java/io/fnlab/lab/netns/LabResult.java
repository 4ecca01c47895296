package io.fnlab.lab.netns;

import io.fnlab.lab.probe.ProbeEvent;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outputs of one lab case, whichever backend ran it: exitCode of the case script, its log, and
 * the files it wrote (see {@link LabScript} for their names).
 */
public record LabResult(String name, int exitCode, String log, Map<String, byte[]> outputs) {
    public LabResult {
        outputs = Collections.unmodifiableMap(new TreeMap<>(outputs));
    }

    public String text(String file) {
        byte[] b = outputs.get(file);
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    /** The client-side events of a Connect step. */
    public List<ProbeEvent> flow(String id) {
        return ProbeEvent.parse(text("flow-" + id + ".jsonl")).stream().filter(e -> "connect".equals(e.event())).toList();
    }

    /** The requests a probe server saw (peer = the source address as it arrived). */
    public List<ProbeEvent> served(LabPlan.LabServer server) {
        return ProbeEvent.parse(text(server.logName())).stream().filter(e -> "request".equals(e.event())).toList();
    }

    /** tcpdump -nn -r of a host's capture. */
    public String capture(String host) {
        return text(host + ".pcap.txt");
    }

    /** The results of each case of a VM job (outputs under /out/CASE/, log in /out/CASE.log). */
    public static Map<String, LabResult> fromVm(List<LabPlan> cases, io.fnlab.lab.vm.VmResult vm) {
        Map<String, LabResult> out = new java.util.LinkedHashMap<>();
        for (LabPlan p : cases) {
            Map<String, byte[]> files = new TreeMap<>();
            String pre = p.name() + "/";
            vm.outputs().forEach((k, v) -> { if (k.startsWith(pre)) files.put(k.substring(pre.length()), v); });
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^FNLAB-CASE-END " + java.util.regex.Pattern.quote(p.name()) + " (\\d+)")
                    .matcher(vm.console());
            int rc = m.find() ? Integer.parseInt(m.group(1)) : -1;
            String log = vm.text(p.name() + ".log");
            out.put(p.name(), new LabResult(p.name(), rc, log == null ? "" : log, files));
        }
        return out;
    }
}
