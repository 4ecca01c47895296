package io.fnlab.lab.run;

import io.fnlab.model.format.scenario.ScenarioReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** LabBatchCleanupTest's child JVM: {@code BatchMain OUT SCENARIO...} runs one batch, progress on stdout. */
public final class BatchMain {
    private BatchMain() {}

    public static void main(String[] args) throws Exception {
        List<LabBatch.Item> items = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Path p = Path.of(args[i]);
            items.add(new LabBatch.Item(ScenarioReader.read(p), p, LabBatch.nameOf(p)));
        }
        LabBatch.Summary s = LabBatch.run(items, LabRun.Backend.AUTO, Path.of(args[0]), 1, false, 2, line -> {
            System.out.println("progress: " + line);
            System.out.flush();
        });
        System.out.print(s.text());
        System.exit(s.allAgree() ? 0 : 1);
    }
}
