package io.fnlab.lab.vm;

import io.fnlab.lab.netns.Exec;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a job script in a throwaway qemu VM (TCG, never KVM; no network device at all) booted from
 * a {@link VmImage}. The job and its input files travel as a second cpio archive appended to the
 * initrd (the kernel unpacks concatenated archives in order, init/initramfs.c); results come back
 * as a base64 tar of the guest's /out on the second serial port. Batch many cases into one job:
 * a boot costs seconds, a case costs milliseconds.
 */
public final class VmBackend {
    private final VmImage image;
    private final int memoryMb;

    public VmBackend(VmImage image) {
        this(image, 512);
    }

    public VmBackend(VmImage image, int memoryMb) {
        this.image = image;
        this.memoryMb = memoryMb;
    }

    public VmImage image() {
        return image;
    }

    /**
     * Boots, runs {@code jobScript} (busybox sh, cwd /job; inputs are at /job/in/NAME; write results
     * under /out), collects /out and powers off. The VM is killed when {@code timeout} passes.
     */
    public VmResult run(String jobScript, Map<String, byte[]> inputFiles, Duration timeout) {
        return run(jobScript, inputFiles, timeout, null);
    }

    /**
     * As {@link #run(String, Map, Duration)}, handing each console line to {@code consoleLine} as it
     * arrives; the caller then reports progress itself, so the raw console is not echoed to a terminal.
     */
    public VmResult run(String jobScript, Map<String, byte[]> inputFiles, Duration timeout, Consumer<String> consoleLine) {
        Path tmp = null;
        Process qemu = null;
        Thread hook = null;
        long t0 = System.nanoTime();
        try {
            tmp = Files.createTempDirectory("fnlab-vm-");
            Path initrd = tmp.resolve("initrd");
            writeInitrd(initrd, jobScript, inputFiles);
            Path serial1 = tmp.resolve("ttyS1");
            List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64",
                    "-machine", "accel=tcg", "-cpu", "max", "-smp", "1", "-m", memoryMb + "M",
                    "-display", "none", "-monitor", "none", "-nic", "none", "-no-reboot",
                    "-serial", "stdio", "-serial", "file:" + serial1,
                    "-kernel", image.kernel().toString(), "-initrd", initrd.toString(),
                    "-append", "console=ttyS0 panic=-1 quiet loglevel=4 rdinit=/init"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            qemu = p;
            Path cleanupDir = tmp;
            hook = new Thread(() -> { Exec.kill(p); Exec.deleteTree(cleanupDir); }, "fnlab-vm-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            Thread drain = tee(p.getInputStream(), console, consoleLine == null ? l -> {} : consoleLine, consoleLine == null);
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) Exec.kill(p);
            drain.join(5000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String text;
            synchronized (console) {
                text = console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
            }
            Map<String, byte[]> outputs = Files.exists(serial1) ? decodeOutputs(Files.readString(serial1, StandardCharsets.ISO_8859_1)) : Map.of();
            int exit = -1;
            Matcher m = Pattern.compile("(?m)^FNLAB-EXIT (\\d+)").matcher(text);
            if (m.find()) exit = Integer.parseInt(m.group(1));
            Progress.say("VM run finished in " + ms + " ms" + (done ? "" : " (killed by timeout)"));
            return new VmResult(exit, text, outputs, !done, ms);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the VM ran", e);
        } finally {
            if (qemu != null) Exec.kill(qemu);
            Exec.deleteTree(tmp);
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down: the hook runs anyway
                }
            }
        }
    }

    /**
     * Runs lab cases in one boot (the same shell the netns backend runs, see LabScript.vmJob) and
     * splits the outputs per case.
     */
    public Map<String, io.fnlab.lab.netns.LabResult> runPlans(List<io.fnlab.lab.netns.LabPlan> cases, Duration timeout) {
        VmResult r = run(io.fnlab.lab.netns.LabScript.vmJob(cases), Map.of(), timeout);
        return io.fnlab.lab.netns.LabResult.fromVm(cases, r);
    }

    /**
     * As {@link #runPlans(List, Duration)} with the cases in lanes that run side by side (see
     * LabScript.vmJobLanes); {@code consoleLine} sees the guest's console lines as they come
     * ("FNLAB-CASE-END NAME RC" when a case is done).
     */
    public Map<String, io.fnlab.lab.netns.LabResult> runPlans(List<List<io.fnlab.lab.netns.LabPlan>> lanes, Duration timeout,
                                                               Consumer<String> consoleLine) {
        VmResult r = run(io.fnlab.lab.netns.LabScript.vmJobLanes(lanes), Map.of(), timeout, consoleLine);
        return io.fnlab.lab.netns.LabResult.fromVm(lanes.stream().flatMap(List::stream).toList(), r);
    }

    /** The image's initramfs followed by a small cpio with /job/job.sh and /job/in/*. */
    private void writeInitrd(Path initrd, String jobScript, Map<String, byte[]> inputs) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(initrd))) {
            byte[] base = Files.readAllBytes(image.initramfs());
            out.write(base);
            for (int i = base.length; i % 4 != 0; i++) out.write(0);
            try (Cpio cpio = new Cpio(out)) {
                cpio.file("job/job.sh", jobScript.getBytes(StandardCharsets.UTF_8), true);
                for (Map.Entry<String, byte[]> e : inputs.entrySet()) {
                    if (e.getKey().contains("..")) throw new IllegalArgumentException("input name escapes /job/in: " + e.getKey());
                    cpio.file("job/in/" + e.getKey(), e.getValue(), false);
                }
            }
        }
    }

    private static Thread tee(InputStream in, ByteArrayOutputStream sink, Consumer<String> consoleLine, boolean echo) {
        boolean tty = echo && System.console() != null;
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (sink) { sink.write(buf, 0, n); }
                    if (tty) System.err.write(buf, 0, n);
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != '\n') {
                            if (buf[i] != '\r') line.write(buf[i]);
                            continue;
                        }
                        try {
                            consoleLine.accept(line.toString(StandardCharsets.UTF_8));
                        } catch (RuntimeException ignored) {
                            // a listener's bug must not stop the drain (qemu would block on a full pipe)
                        }
                        line.reset();
                    }
                }
            } catch (IOException ignored) {
                // qemu is gone
            }
        }, "fnlab-vm-console");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Extracts the base64 tar between the guest's markers and unpacks its regular files. */
    static Map<String, byte[]> decodeOutputs(String serial) {
        int b = serial.indexOf("FNLAB-OUT-BEGIN");
        int e = serial.indexOf("FNLAB-OUT-END");
        if (b < 0 || e < b) return Map.of();
        String b64 = serial.substring(b + "FNLAB-OUT-BEGIN".length(), e).replaceAll("[^A-Za-z0-9+/=]", "");
        return untar(Base64.getDecoder().decode(b64));
    }

    /** A minimal ustar reader (busybox tar writes ustar): regular files only, names relative to /out. */
    static Map<String, byte[]> untar(byte[] tar) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        InputStream in = new ByteArrayInputStream(tar);
        byte[] hdr = new byte[512];
        try {
            String longName = null;
            while (in.readNBytes(hdr, 0, 512) == 512) {
                if (hdr[0] == 0) break;
                String name = cstr(hdr, 0, 100);
                String prefix = cstr(hdr, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
                long size = Long.parseLong(cstr(hdr, 124, 12).trim().isEmpty() ? "0" : cstr(hdr, 124, 12).trim(), 8);
                byte type = hdr[156];
                byte[] data = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'L') {
                    longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                if (type == '0' || type == 0) {
                    while (name.startsWith("./")) name = name.substring(2);
                    files.put(name, data);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a truncated tar (VM killed mid-transfer): keep what came through
        }
        return files;
    }

    private static String cstr(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
