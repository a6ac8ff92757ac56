package io.ebpfjvm.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a results directory into {@code table.md} and {@code chart.svg}: reads every
 * {@code jmh-*.json} (JMH {@code -rf json}), {@code kernel.json} and {@code insns.json} in it.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.ebpfjvm.bench.report.Report RESULTS_DIR [MACHINE]}
 */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Report RESULTS_DIR [MACHINE-DESCRIPTION]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String machine = args.length > 1 ? args[1] : "unknown machine";
        List<Measurement> all = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("jmh-") && name.endsWith(".json")) {
                    all.addAll(ResultFiles.jmh(f));
                }
            }
        }
        all.addAll(ResultFiles.kernel(dir.resolve("kernel.json")));
        if (all.isEmpty()) {
            System.err.println("Report: no jmh-*.json results in " + dir);
            System.exit(1);
        }
        Table table = new Table(all, ResultFiles.instructions(dir.resolve("insns.json")));
        String markdown = table.markdown(machine) + ResultFiles.preparation(dir.resolve("prepare.json"));
        Files.writeString(dir.resolve("table.md"), markdown);
        Files.writeString(dir.resolve("chart.svg"), new Chart(all).svg());
        System.out.print(markdown);
    }
}
