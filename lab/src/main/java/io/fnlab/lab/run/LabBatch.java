package io.fnlab.lab.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fnlab.lab.compare.SimCapture;
import io.fnlab.lab.netns.LabPlan;
import io.fnlab.lab.netns.LabResult;
import io.fnlab.lab.netns.NetnsBackend;
import io.fnlab.lab.run.LabRun.Backend;
import io.fnlab.lab.vm.VmBackend;
import io.fnlab.lab.vm.VmImage;
import io.fnlab.model.scenario.Outcome;
import io.fnlab.model.scenario.Scenario;
import io.fnlab.model.scenario.Traffic;
import io.fnlab.sim.net.FlowResult;
import io.fnlab.sim.net.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fnlab lab run with many scenarios: every scenario that needs the VM runs in ONE boot (a boot
 * costs 15-30 s of CPU under TCG, a case a few seconds), in lanes side by side so that cases
 * waiting out a client's timeout overlap; the others run one after another in network namespaces.
 * Each is exported, applied by its apply.sh, captured and compared exactly as {@link LabRun#run}
 * does, with its results under OUT/NAME/.
 */
public final class LabBatch {
    /** Lanes in the VM by default: enough to overlap the timeouts, few enough not to starve one TCG vCPU. */
    public static final int DEFAULT_LANES = 4;

    /** One scenario of a batch; name is its directory under the batch's out and its case name in the VM. */
    public record Item(Scenario scenario, Path file, String name) {}

    /** What a batch produced, in the order the scenarios were given. */
    public record Summary(Path out, List<Result> results, long vmMillis) {
        public boolean allAgree() {
            return results.stream().allMatch(r -> r.result().agrees());
        }

        public String text() {
            int w = Math.max(8, results.stream().mapToInt(r -> r.item().name().length()).max().orElse(0));
            StringBuilder b = new StringBuilder();
            b.append(String.format("%-" + w + "s  %-7s  %-26s  %s%n", "SCENARIO", "BACKEND", "RESULT", "TCPDUMP DROPS"));
            for (Result r : results) {
                b.append(String.format("%-" + w + "s  %-7s  %-26s  %d%n", r.item().name(), r.result().backend().name().toLowerCase(),
                        r.verdict(), r.result().drops()));
            }
            long agree = results.stream().filter(r -> r.result().agrees()).count();
            b.append(agree).append(" of ").append(results.size()).append(" scenarios agree with the simulation; results in ")
                    .append(out).append("/NAME/");
            if (vmMillis > 0) b.append(" (one VM boot: ").append(vmMillis / 1000).append(" s)");
            b.append('\n');
            return b.toString();
        }

        public String json() {
            List<Object> rows = new ArrayList<>();
            for (Result r : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("scenario", r.item().name());
                m.put("file", r.item().file() == null ? null : r.item().file().toString());
                m.put("backend", r.result().backend().name().toLowerCase());
                m.put("kernel", r.result().kernel());
                m.put("ran", r.result().ran());
                m.put("agrees", r.result().agrees());
                m.put("differences", r.result().report().differences().size() + r.result().report().moreDifferences());
                m.put("notCaptured", r.result().report().notCaptured());
                m.put("droppedByKernel", r.result().droppedByKernel());
                m.put("out", r.result().out().toString());
                rows.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agrees", allAgree());
            m.put("out", out.toString());
            m.put("vmMillis", vmMillis);
            m.put("scenarios", rows);
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One scenario's outcome in a batch. */
    public record Result(Item item, LabRun.Result result) {
        /** "agree", "N differences" or why the lab did not give a comparison. */
        public String verdict() {
            LabRun.Result r = result;
            if (r.lab().exitCode() != 0) return "lab failed (case exit " + r.lab().exitCode() + ")";
            if (r.captures().isEmpty() || !r.report().notCaptured().isEmpty())
                return "no capture on " + (r.captures().isEmpty() ? "any host" : String.join(", ", r.report().notCaptured()));
            long n = r.report().differences().size() + r.report().moreDifferences();
            return n == 0 ? "agree" : n + " difference" + (n == 1 ? "" : "s");
        }
    }

    private static final Pattern CASE_END = Pattern.compile("^FNLAB-CASE-END (\\S+) (\\d+)");

    private LabBatch() {}

    /** The directory and case name of a scenario file: its base name without .yaml, as pcaps/ names them. */
    public static String nameOf(Path file) {
        String n = file.getFileName().toString().replaceFirst("\\.ya?ml$", "").toLowerCase()
                .replaceAll("[^a-z0-9_-]+", "-").replaceAll("^[^a-z0-9]+", "");
        if (n.isEmpty()) n = "s";
        return n.length() > 31 ? n.substring(0, 31) : n;
    }

    /** Two files that would share a directory (and a case name in the VM): a clear message, or null. */
    public static String clash(List<Item> items) {
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Item i : items) {
            Path prev = seen.putIfAbsent(i.name(), i.file());
            if (prev != null) return prev + " and " + i.file() + " would both write " + i.name() + "/ (give each scenario once, with distinct file names)";
        }
        return null;
    }

    /**
     * Runs every item; progress gets a line per case when its lab part ends and when it is compared.
     * Throws IllegalArgumentException for two items with one name, IllegalStateException when a
     * needed backend cannot run here.
     */
    public static Summary run(List<Item> items, Backend requested, Path out, long seed, boolean strict, int lanes,
                              Consumer<String> progress) {
        String clash = clash(items);
        if (clash != null) throw new IllegalArgumentException(clash);
        try {
            Files.createDirectories(out);
            int n = items.size();
            Map<String, Backend> backend = new LinkedHashMap<>();
            Map<String, SimCapture> sims = new LinkedHashMap<>();
            Map<String, LabPlan> plans = new LinkedHashMap<>();
            for (Item i : items) {
                Backend b = LabRun.choose(i.scenario(), requested);
                backend.put(i.name(), b);
                Path dir = out.resolve(i.name());
                Files.createDirectories(dir);
                sims.put(i.name(), SimCapture.run(i.scenario(), seed));
                plans.put(i.name(), LabRun.plan(i.scenario(), dir.resolve("export"), i.name()));
            }
            List<Item> vm = items.stream().filter(i -> backend.get(i.name()) == Backend.VM).toList();
            List<Item> netns = items.stream().filter(i -> backend.get(i.name()) == Backend.NETNS).toList();
            if (!vm.isEmpty()) VmImage.unavailableReason().ifPresent(why -> { throw new IllegalStateException("VM backend: " + why); });
            if (!netns.isEmpty()) NetnsBackend.unavailableReason().ifPresent(why -> { throw new IllegalStateException("netns backend: " + why); });

            AtomicInteger done = new AtomicInteger();
            Map<String, LabResult> labs = new LinkedHashMap<>();
            long vmMillis = 0;
            if (!vm.isEmpty()) {
                Map<String, Long> estimate = new LinkedHashMap<>();
                for (Item i : vm) estimate.put(i.name(), estimateMillis(sims.get(i.name())));
                List<List<LabPlan>> laneList = lanes(vm.stream().map(i -> plans.get(i.name())).toList(), estimate, lanes);
                long total = estimate.values().stream().mapToLong(Long::longValue).sum();
                // the cases share one TCG vCPU, so the sum counts, not the longest lane; x3 for a
                // loaded host (19 library cases: 240-290 s on a 2-core machine at load 8-10, 176 s at
                // load 2 with every flow at its start). Generous: only a hung guest ever waits it out
                Duration timeout = Duration.ofMillis(Math.max(Duration.ofMinutes(5).toMillis(), 180_000 + 3 * total));
                progress.accept("running " + vm.size() + " scenario(s) in one VM boot, " + laneList.size() + " lane(s)");
                long t0 = System.nanoTime();
                labs.putAll(new VmBackend(VmImage.ensure(), 1024).runPlans(laneList, timeout, line -> {
                    Matcher m = CASE_END.matcher(line);
                    if (m.find()) progress.accept("[" + done.incrementAndGet() + "/" + n + "] " + m.group(1) + ": ran in the VM"
                            + ("0".equals(m.group(2)) ? "" : " (case exit " + m.group(2) + ")"));
                }));
                vmMillis = (System.nanoTime() - t0) / 1_000_000;
            }
            for (Item i : netns) {
                progress.accept("running " + i.name() + " in network namespaces");
                LabResult r = new NetnsBackend().run(plans.get(i.name()), Duration.ofMinutes(3));
                progress.accept("[" + done.incrementAndGet() + "/" + n + "] " + i.name() + ": ran in network namespaces");
                labs.put(i.name(), r);
            }
            List<Result> results = new ArrayList<>();
            for (Item i : items) {
                Path dir = out.resolve(i.name());
                LabResult lab = labs.get(i.name());
                LabRun.Result r = LabRun.finish(i.scenario(), i.file(), backend.get(i.name()), dir, sims.get(i.name()), strict, lab,
                        Map.of(), "");
                Files.writeString(dir.resolve("compare.txt"), r.report().text());
                Files.writeString(dir.resolve("compare.json"), r.report().json());
                Result br = new Result(i, r);
                progress.accept(i.name() + ": " + br.verdict() + (r.drops() > 0 ? " (tcpdump dropped " + r.drops() + ")" : ""));
                results.add(br);
            }
            Summary sum = new Summary(out, results, vmMillis);
            Files.writeString(out.resolve("summary.txt"), sum.text());
            Files.writeString(out.resolve("summary.json"), sum.json());
            return sum;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How long a case keeps the guest busy, from the simulation: a few seconds of setup and
     * captures, then the traffic until its last flow ends. A flow begins at its start and its
     * connections follow each other, about one second each, or the client's whole timeout (the
     * probe waits as long as the simulated client) for each connection that times out; flows
     * whose times overlap run side by side, so the latest end counts, not the sum.
     */
    static long estimateMillis(SimCapture sim) {
        Map<String, Long> length = new LinkedHashMap<>();
        for (FlowResult f : sim.results())
            length.merge(f.flow(), f.outcome() == Outcome.TIMEOUT ? Network.CLIENT_TIMEOUT : 1_000, Long::sum);
        long end = 0;
        for (Traffic t : sim.scenario().traffic())
            if (t instanceof Traffic.Flow f) end = Math.max(end, f.startMillis() + length.getOrDefault(f.id(), 1_000L));
        return 6_000 + end;
    }

    /** Longest case first into the least-loaded lane (LPT); each lane keeps the given order. */
    static List<List<LabPlan>> lanes(List<LabPlan> plans, Map<String, Long> estimate, int lanes) {
        int k = Math.max(1, Math.min(lanes, plans.size()));
        List<List<LabPlan>> out = new ArrayList<>();
        long[] load = new long[k];
        for (int i = 0; i < k; i++) out.add(new ArrayList<>());
        List<LabPlan> byLength = new ArrayList<>(plans);
        byLength.sort(Comparator.comparingLong((LabPlan p) -> estimate.getOrDefault(p.name(), 0L)).reversed());
        for (LabPlan p : byLength) {
            int best = 0;
            for (int i = 1; i < k; i++) if (load[i] < load[best]) best = i;
            out.get(best).add(p);
            load[best] += estimate.getOrDefault(p.name(), 0L);
        }
        for (List<LabPlan> l : out) l.sort(Comparator.comparingInt(plans::indexOf));
        return out;
    }
}
