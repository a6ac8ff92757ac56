package io.ebpfjvm.bench;

import io.ebpfjvm.bench.report.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report reads JMH's real JSON shape and the kernel file, and renders both outputs. */
class ReportTest {

    @Test
    void rendersTableAndChartFromJmhAndKernelResults(@TempDir Path dir) throws Exception {
        try (InputStream in = ReportTest.class.getResourceAsStream("/jmh-sample.json")) {
            Files.write(dir.resolve("jmh-1thread.json"), in.readAllBytes());
        }
        Files.writeString(dir.resolve("kernel.json"),
            "[{\"program\": \"acl\", \"mix\": \"small\", \"nsPerPacket\": 19.5, \"frames\": 64, \"repeat\": 1000, \"agree\": 64}]");
        Report.main(new String[] {dir.toString(), "a test machine"});
        String table = Files.readString(dir.resolve("table.md"));
        String chart = Files.readString(dir.resolve("chart.svg"));
        assertTrue(table.startsWith("Measured on a test machine."), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("| acl | small | ") && l.contains("| 19.5 |")), table);
        assertTrue(chart.startsWith("<svg") && chart.contains("acl / small") && chart.contains("#d62728"), chart);
    }

    @Test
    void figuresAreTheMedianIterationSoOneNoisyIterationDoesNotMoveThem(@TempDir Path dir) throws Exception {
        String run = """
            [{"benchmark": "io.ebpfjvm.bench.ClassifyBenchmark.classify", "threads": 1,
              "params": {"program": "hash", "mix": "small", "engine": "jit"},
              "primaryMetric": {"score": 210.0, "scoreError": 300.0, "rawData": [[150.0, 330.0, 149.0]]}}]
            """;
        Files.writeString(dir.resolve("jmh-1thread.json"), run);
        Report.main(new String[] {dir.toString(), "a test machine"});
        String table = Files.readString(dir.resolve("table.md"));
        assertTrue(table.lines().anyMatch(l -> l.startsWith("| hash | small | ") && l.contains("| 150 |")), table);
    }
}
