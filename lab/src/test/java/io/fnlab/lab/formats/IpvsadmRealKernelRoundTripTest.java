package io.fnlab.lab.formats;

import static org.junit.jupiter.api.Assertions.*;

import io.fnlab.lab.netns.Exec;
import io.fnlab.lab.vm.VmBackend;
import io.fnlab.lab.vm.VmImage;
import io.fnlab.lab.vm.VmResult;
import io.fnlab.model.format.ipvsadm.IpvsadmList;
import io.fnlab.model.format.ipvsadm.IpvsadmSave;
import io.fnlab.model.format.scenario.HostScript;
import io.fnlab.model.ipvs.IpvsConfig;
import io.fnlab.model.parse.Diagnostic;
import io.fnlab.model.scenario.HostConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ipvsadm's formats against a real IPVS kernel (this machine's has none, so the VM): random
 * ipvsadm command scripts run in the VM and in fnlab's model of ipvsadm; the real `ipvsadm -Sn`
 * and `ipvsadm -Ln` text must be what fnlab writes for its state, and read back and written
 * again unchanged. One boot for all cases.
 */
@Tag("vm")
class IpvsadmRealKernelRoundTripTest {
    static final int CASES = 24;
    static final String[] SCHEDULERS = {"rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh", "fo", "ovf", "lblc", "lblcr"};
    static final List<String> scripts = new ArrayList<>();
    static VmResult vm;

    @BeforeAll
    static void runAllInOneBoot() {
        VmImage.unavailableReason().ifPresent(r -> Assumptions.abort("VM lab unavailable: " + r));
        Assumptions.assumeTrue(Exec.isRoot(), "the VM lab runs as root");
        long seed = Long.getLong("fnlab.ipvsSeed", 20261122L);
        System.out.println("ipvsadm round trip seed " + seed);
        Random rnd = new Random(seed);
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        // lo up: without it the namespace has no local table, inet_addr_type() answers
        // RTN_BROADCAST for every address and IPVS refuses every real server (EINVAL).
        StringBuilder job = new StringBuilder("set -u\nip link set lo up\n");
        for (int i = 0; i < CASES; i++) {
            String s = script(rnd);
            scripts.add(s);
            inputs.put("case" + i + ".sh", s.getBytes(StandardCharsets.UTF_8));
            // each command on its own, its stderr and exit status recorded, as a shell script would run it
            job.append("ipvsadm -C\n")
                    .append("while IFS= read -r c; do sh -c \"$c\" >/tmp/e 2>&1; rc=$?; printf '%s\\n' \"$c\" \"rc=$rc\" >> /out/case")
                    .append(i).append(".err; cat /tmp/e >> /out/case").append(i).append(".err; done < /job/in/case").append(i).append(".sh\n")
                    .append("ipvsadm -Sn > /out/case").append(i).append(".save\n")
                    .append("ipvsadm -Ln > /out/case").append(i).append(".list\n");
        }
        vm = new VmBackend(VmImage.ensure()).run(job.toString(), inputs, Duration.ofMinutes(4));
        assertFalse(vm.timedOut(), vm.console());
    }

    /** A random configuration as a script of ipvsadm commands. */
    static String script(Random r) {
        StringBuilder b = new StringBuilder();
        int services = 1 + r.nextInt(5);
        for (int s = 0; s < services; s++) {
            String sched = SCHEDULERS[r.nextInt(SCHEDULERS.length)];
            String key = switch (r.nextInt(4)) {
                case 0 -> "-u 10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254)) + ":" + (1 + r.nextInt(65535));
                case 1 -> "-f " + (1 + r.nextInt(100000));
                default -> "-t 10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254)) + ":" + (1 + r.nextInt(65535));
            };
            b.append("ipvsadm -A ").append(key).append(" -s ").append(sched);
            if ((sched.equals("sh") || sched.equals("mh")) && r.nextBoolean())
                b.append(" -b ").append(sched).append(r.nextBoolean() ? "-port" : "-fallback");
            if (r.nextInt(3) == 0) {
                b.append(" -p ").append(1 + r.nextInt(3600));
                if (r.nextBoolean()) b.append(" -M 255.255.").append(r.nextBoolean() ? "255.0" : "0.0");
            }
            b.append('\n');
            int servers = r.nextInt(5);
            for (int d = 0; d < servers; d++) {
                String method = new String[] {"-g", "-i", "-m"}[r.nextInt(3)];
                b.append("ipvsadm -a ").append(key).append(" -r 192.168.").append(r.nextInt(256)).append('.').append(1 + r.nextInt(254))
                        .append(':').append(1 + r.nextInt(65535)).append(' ').append(method).append(" -w ").append(r.nextInt(101));
                if (r.nextInt(4) == 0) b.append(" -x ").append(r.nextInt(1000)).append(" -y ").append(r.nextInt(1000));
                b.append('\n');
            }
            if (servers > 1 && r.nextInt(3) == 0) b.append("ipvsadm -E ").append(key).append(" -s rr\n");
        }
        return b.toString();
    }

    /** fnlab's ipvsadm applied to the same script (failing commands change nothing, as in the kernel). */
    static IpvsConfig model(String script) {
        HostConfigBuilder b = new HostConfigBuilder();
        HostScript.discovered().run(b, script, "case.sh");
        return b.build().ipvs();
    }

    /** Every command fails on the real kernel exactly when it fails in fnlab, with the same message. */
    static void compareErrors(int i, String realLog, List<String> bad) {
        String[] lines = realLog.split("\n");
        HostConfigBuilder b = new HostConfigBuilder();
        HostScript hs = HostScript.discovered();
        int k = 0;
        while (k < lines.length) {
            String cmd = lines[k++];
            int rc = Integer.parseInt(lines[k++].substring(3));
            StringBuilder msg = new StringBuilder();
            while (k < lines.length && !lines[k].startsWith("ipvsadm ")) msg.append(lines[k++]).append('\n');
            int before = b.diagnostics.size();
            hs.run(b, cmd, "case" + i + ".sh");
            List<Diagnostic> mine = b.diagnostics.subList(before, b.diagnostics.size()).stream()
                    .filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
            String fn = mine.isEmpty() ? "" : mine.get(0).message().strip();
            String real = msg.toString().strip();
            if ((rc == 0) != mine.isEmpty() || (rc != 0 && !real.startsWith(fn)))
                bad.add("case " + i + ": " + cmd + "\n  real: rc=" + rc + " " + real + "\n  fnlab: " + (mine.isEmpty() ? "ok" : fn));
        }
    }

    @Test
    void realSaveAndListingAreWhatFnlabWritesAndReadBackUnchanged() {
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            String err = vm.text("case" + i + ".err"), save = vm.text("case" + i + ".save"), list = vm.text("case" + i + ".list");
            assertNotNull(save, "no output for case " + i + ":\n" + vm.console());
            System.out.println("case " + i + " real -Sn:\n" + save + "real -Ln:\n" + list); // kept for people, in the report
            compareErrors(i, err, bad);
            IpvsConfig m = model(scripts.get(i));
            if (!IpvsadmSave.write(m).equals(save))
                bad.add("case " + i + " -Sn\n" + scripts.get(i) + "--- real\n" + save + "--- fnlab\n" + IpvsadmSave.write(m));
            if (!IpvsadmList.write(m).equals(list))
                bad.add("case " + i + " -Ln\n" + scripts.get(i) + "--- real\n" + list + "--- fnlab\n" + IpvsadmList.write(m));
            try {
                if (!IpvsadmSave.write(IpvsadmSave.read(save, "real")).equals(save)) bad.add("case " + i + ": -Sn read/write changed it");
                if (!IpvsadmList.write(IpvsadmList.read(list, "real")).equals(list)) bad.add("case " + i + ": -Ln read/write changed it");
            } catch (io.fnlab.model.parse.ParseError e) {
                bad.add("case " + i + ": fnlab cannot read the real output: " + e.getMessage());
            }
        }
        assertTrue(bad.isEmpty(), bad.size() + " mismatches:\n" + String.join("\n", bad));
    }
}
