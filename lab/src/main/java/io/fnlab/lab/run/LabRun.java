package io.fnlab.lab.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fnlab.lab.compare.CompareReport;
import io.fnlab.lab.compare.Comparison;
import io.fnlab.lab.compare.SimCapture;
import io.fnlab.lab.export.ExportWriter;
import io.fnlab.lab.export.Exporter;
import io.fnlab.lab.export.HostExport;
import io.fnlab.lab.netns.Exec;
import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabScript;
import io.fnlab.lab.probe.ProbeBinary;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.netns.NetnsBackend;
import io.fnlab.lab.vm.VmBackend;
import io.fnlab.lab.vm.VmImage;
import io.fnlab.model.scenario.Host;
import io.fnlab.model.scenario.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * fnlab lab run: each host gets exactly the files {@code fnlab export} writes (apply.sh and what it
 * reads), shipped into its namespace inside the setup script and applied there; the scenario's
 * traffic runs with the probe while tcpdump -i any captures on every host; the captures land in
 * OUT/HOST.pcap with OUT/manifest.json, and are compared with the simulation.
 */
public final class LabRun {
    public enum Backend { AUTO, NETNS, VM }

    /** What a run produced: where, with which backend, the captures and the comparison. */
    public record Result(Backend backend, Path out, Map<String, Path> captures, String kernel, LabResult lab, CompareReport report,
                         Map<String, String> kept, String keptExtra, Map<String, Long> droppedByKernel) {

        /** The lab case ran to its end and every host has a capture (else an empty comparison would "agree"). */
        public boolean ran() {
            return lab.exitCode() == 0 && report.notCaptured().isEmpty() && !captures.isEmpty();
        }

        /** The verdict: the lab ran and its captures agree with the simulation. */
        public boolean agrees() {
            return ran() && report.agrees();
        }

        /** Packets the hosts' tcpdumps reported as dropped by the kernel, summed. */
        public long drops() {
            return droppedByKernel.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Hosts whose tcpdump reported packets dropped by the kernel: differences there may be the capture's, not the path's. */
        public List<String> warnings() {
            List<String> w = new ArrayList<>();
            droppedByKernel.forEach((h, n) -> { if (n > 0) w.add("the capture on " + h + " lost " + n
                    + " packet(s) (tcpdump: dropped by kernel); a MISSING there may be the capture's, run again"); });
            return w;
        }
    }

    private LabRun() {}

    /** VM when any host has IPVS services (this machine's kernel may lack ip_vs), else the netns backend. */
    public static Backend choose(Scenario s, Backend requested) {
        if (requested != Backend.AUTO) return requested;
        for (Host h : s.hosts()) if (!h.config().ipvs().services().isEmpty()) return Backend.VM;
        return Backend.NETNS;
    }

    /** The setup shell for one host: writes its exported files into a fresh directory and runs apply.sh there. */
    public static String setupScript(HostExport e) {
        StringBuilder b = new StringBuilder("d=$(mktemp -d /tmp/fnlab-export.XXXXXX)\n");
        int i = 0;
        for (var f : e.files().entrySet()) {
            String eof = "FNLAB_EXPORT_EOF_" + (i++);
            if (f.getValue().contains(eof)) throw new IllegalStateException("export file " + f.getKey() + " contains " + eof);
            b.append("cat > \"$d/").append(f.getKey()).append("\" <<'").append(eof).append("'\n").append(f.getValue());
            if (!f.getValue().endsWith("\n")) b.append('\n');
            b.append(eof).append('\n');
        }
        b.append("sh \"$d/apply.sh\"\necho \"fnlab: apply.sh exit $?\"\n");
        return b.toString();
    }

    /** The lab plan: the scenario's topology and traffic, each host set up by its exported apply.sh; uname -r recorded. */
    public static LabPlan plan(Scenario s, Path exportDir) throws IOException {
        return plan(s, exportDir, null);
    }

    /** As {@link #plan(Scenario, Path)}, the case named {@code name} (null: after the scenario). */
    public static LabPlan plan(Scenario s, Path exportDir, String name) throws IOException {
        Map<String, String> setups = new LinkedHashMap<>();
        for (Host h : s.hosts()) {
            HostExport e = Exporter.export(s, h);
            if (exportDir != null) ExportWriter.write(e, exportDir);
            setups.put(h.name(), setupScript(e));
        }
        // the simulated client waits Network.CLIENT_TIMEOUT (SYN retransmitted at 1, 3 and 7 s): the probe waits as long
        LabPlan base = LabPlan.fromScenario(s, setups, (int) io.fnlab.sim.net.Network.CLIENT_TIMEOUT);
        List<LabPlan.LabStep> steps = new ArrayList<>(base.steps());
        // let the last FIN/ACK exchange reach every capture before the cleanup stops tcpdump (a
        // loaded VM needs more than the script's own 0.3 s: rs1 of conn-reuse-mode lost its last four)
        steps.add(new LabPlan.LabStep.Run(s.hosts().get(0).name(), "sleep 1.5; uname -r", "uname.txt"));
        return new LabPlan(name == null ? base.name() : name, base.hosts(), base.servers(), steps, true);
    }

    /** Runs the scenario on a real kernel, writes the captures and the manifest into out, and compares. */
    public static Result run(Scenario s, Path scenarioFile, Backend requested, Path out, long seed, boolean strict, Consumer<String> log) {
        Backend backend = choose(s, requested);
        try {
            Files.createDirectories(out);
            LabPlan plan = plan(s, out.resolve("export"));
            LabResult r;
            if (backend == Backend.NETNS) {
                NetnsBackend.unavailableReason().ifPresent(why -> { throw new IllegalStateException("netns backend: " + why); });
                log.accept("running " + plan.name() + " in network namespaces");
                r = new NetnsBackend().run(plan, Duration.ofMinutes(3));
            } else {
                VmImage.unavailableReason().ifPresent(why -> { throw new IllegalStateException("VM backend: " + why); });
                log.accept("running " + plan.name() + " in a VM");
                r = new VmBackend(VmImage.ensure()).runPlans(List.of(plan), Duration.ofMinutes(5)).get(plan.name());
            }
            return finish(s, scenarioFile, backend, out, SimCapture.run(s, seed), strict, r, Map.of(), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #run} on the netns backend, but the namespaces stay up (no cleanup trap; the probe
     * servers and tcpdump keep running) so the user can enter them; the result names them.
     */
    public static Result runKept(Scenario s, Path scenarioFile, Path out, long seed, boolean strict, Consumer<String> log) {
        try {
            Files.createDirectories(out);
            LabPlan plan = plan(s, out.resolve("export"));
            String prefix = "fnlab-keep-" + ProcessHandle.current().pid();
            String script = LabScript.standalone(plan, prefix, out.toAbsolutePath().toString(), ProbeBinary.host().toString())
                    .replace("trap 'fnlab_cleanup' EXIT\n", "").replace("trap 'fnlab_cleanup; exit 130' INT TERM\n", "");
            Path sh = out.resolve("case.sh");
            Files.writeString(sh, script);
            log.accept("running " + plan.name() + " in network namespaces " + prefix + "-*, kept afterwards");
            Exec.Result er = Exec.run(Duration.ofMinutes(3), out, "sh", sh.toAbsolutePath().toString());
            // the namespaces and probe servers stay; the captures end here (SIGTERM: tcpdump writes what it holds)
            StringBuilder stop = new StringBuilder();
            for (LabPlan.LabHost h : plan.hosts())
                stop.append("for p in $(ip netns pids ").append(LabScript.ns(prefix, h.name()))
                        .append("); do [ \"$(cat /proc/$p/comm)\" = tcpdump ] && kill -TERM $p; done; ");
            stop.append("sleep 0.5");
            Exec.run(Duration.ofSeconds(20), out, "sh", "-c", stop.toString());
            Map<String, byte[]> files = new LinkedHashMap<>();
            try (var st = Files.list(out)) {
                for (Path f : st.toList()) if (Files.isRegularFile(f)) files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
            LabResult r = new LabResult(plan.name(), er.exitCode(), er.output(), files);
            Map<String, String> kept = new LinkedHashMap<>();
            for (LabPlan.LabHost h : plan.hosts()) kept.put(h.name(), LabScript.ns(prefix, h.name()));
            return finish(s, scenarioFile, Backend.NETNS, out, SimCapture.run(s, seed), strict, r, kept, prefix + "-l2");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result finish(Scenario s, Path scenarioFile, Backend backend, Path out, SimCapture sim, boolean strict, LabResult r,
                                 Map<String, String> kept, String keptExtra) throws IOException {
        Map<String, Path> captures = new LinkedHashMap<>();
        for (var f : r.outputs().entrySet()) {
            Path p = out.resolve(f.getKey());
            if (kept.isEmpty() || !Files.exists(p)) Files.write(p, f.getValue());
            if (f.getKey().endsWith(".pcap")) captures.put(f.getKey().substring(0, f.getKey().length() - 5), p);
        }
        Files.writeString(out.resolve("lab.log"), r.log());
        String kernel = r.text("uname.txt").strip();
        Map<String, Long> drops = new LinkedHashMap<>();
        for (String h : captures.keySet()) {
            var m = java.util.regex.Pattern.compile("(\\d+) packets? dropped by kernel").matcher(r.text(h + ".tcpdump.log"));
            drops.put(h, m.find() ? Long.parseLong(m.group(1)) : 0L);
        }
        Comparison c = new Comparison(sim, strict);
        for (var e : captures.entrySet()) c.compare(e.getKey(), e.getValue());
        CompareReport report = c.report();
        List<String> headlines = report.differences().stream().map(io.fnlab.lab.compare.Difference::headline).sorted().toList();
        writeManifest(out, s, scenarioFile, backend, kernel, captures, drops, headlines);
        return new Result(backend, out, captures, kernel, r, report, kept, keptExtra, drops);
    }

    /**
     * manifest.json: scenario file, backend, kernel (uname -r inside), capture points, date, what
     * each host's tcpdump lost, and the headlines of the differences this run's comparison reported
     * (pcaps/ keeps them as its reviewed knownDifferences, see pcaps/README.md).
     */
    public static void writeManifest(Path out, Scenario s, Path scenarioFile, Backend backend, String kernel, Map<String, Path> captures,
                                     Map<String, Long> droppedByKernel, List<String> differences) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenarioFile == null ? s.path() : scenarioFile.toString());
        m.put("scenarioName", s.name());
        m.put("backend", backend.name().toLowerCase());
        m.put("kernel", kernel);
        Map<String, String> points = new LinkedHashMap<>();
        captures.forEach((h, p) -> points.put(h, p.getFileName().toString()));
        m.put("points", points);
        m.put("capture", LabScript.TCPDUMP + " (Linux cooked v2), one file per host");
        m.put("date", Instant.now().toString());
        m.put("droppedByKernel", droppedByKernel);
        m.put("knownDifferences", differences);
        Files.writeString(out.resolve("manifest.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n");
    }
}
