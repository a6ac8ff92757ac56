package io.ebpfjvm.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads JMH's JSON result files and {@code KernelCompare}'s JSON into measurements. */
final class ResultFiles {
    private ResultFiles() {
    }

    /** Measurements of {@code ClassifyBenchmark} runs in a JMH {@code -rf json} file. */
    static List<Measurement> jmh(Path file) throws IOException {
        List<Measurement> out = new ArrayList<>();
        JsonArray runs = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
        for (JsonElement e : runs) {
            JsonObject run = e.getAsJsonObject();
            if (!run.get("benchmark").getAsString().endsWith("ClassifyBenchmark.classify")) {
                continue;
            }
            JsonObject params = run.getAsJsonObject("params");
            JsonObject primary = run.getAsJsonObject("primaryMetric");
            double alloc = Double.NaN;
            JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
            if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
                alloc = secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble();
            }
            double error = primary.get("scoreError").isJsonPrimitive() ? primary.get("scoreError").getAsDouble() : Double.NaN;
            out.add(new Measurement(params.get("program").getAsString(), params.get("mix").getAsString(),
                params.get("engine").getAsString(), run.get("threads").getAsInt(),
                median(primary), error, alloc));
        }
        return out;
    }

    /**
     * The median of a run's measured iterations (JMH's {@code rawData}, all forks), or its mean
     * score when there is none. On a shared machine a neighbour's burst spoils an iteration or
     * two; the median keeps it from moving the figure and every ratio built on it.
     */
    static double median(JsonObject primary) {
        List<Double> values = new ArrayList<>();
        if (primary.has("rawData") && primary.get("rawData").isJsonArray()) {
            for (JsonElement fork : primary.getAsJsonArray("rawData")) {
                for (JsonElement v : fork.getAsJsonArray()) {
                    values.add(v.getAsDouble());
                }
            }
        }
        if (values.isEmpty()) {
            return primary.get("score").getAsDouble();
        }
        values.sort(null);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** Instructions executed per packet, keyed "program/mix", if the file exists. */
    static java.util.Map<String, Double> instructions(Path file) throws IOException {
        java.util.Map<String, Double> out = new java.util.HashMap<>();
        if (Files.exists(file)) {
            for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
                JsonObject row = e.getAsJsonObject();
                out.put(row.get("program").getAsString() + "/" + row.get("mix").getAsString(), row.get("insnsPerPacket").getAsDouble());
            }
        }
        return out;
    }

    /** A markdown table of {@code PrepareBenchmark}: microseconds to verify and to JIT-compile, if the file exists. */
    static String preparation(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        java.util.Map<String, double[]> rows = new java.util.LinkedHashMap<>();
        for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
            JsonObject run = e.getAsJsonObject();
            String program = run.getAsJsonObject("params").get("program").getAsString();
            double score = run.getAsJsonObject("primaryMetric").get("score").getAsDouble();
            double[] row = rows.computeIfAbsent(program, k -> new double[] {Double.NaN, Double.NaN});
            row[run.get("benchmark").getAsString().endsWith(".verify") ? 0 : 1] = score;
        }
        StringBuilder md = new StringBuilder("\n| program | verify (us) | JIT compile with facts (us) |\n|---|---:|---:|\n");
        rows.forEach((program, r) -> md.append(String.format(java.util.Locale.ROOT, "| %s | %.0f | %.0f |%n", program, r[0], r[1])));
        return md.toString();
    }

    /** Kernel figures ({@code bpftool prog run}), if the file exists. */
    static List<Measurement> kernel(Path file) throws IOException {
        List<Measurement> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
            JsonObject row = e.getAsJsonObject();
            out.add(new Measurement(row.get("program").getAsString(), row.get("mix").getAsString(), "kernel", 1,
                row.get("nsPerPacket").getAsDouble(), Double.NaN, Double.NaN));
        }
        return out;
    }
}
