package io.ebpfjvm.bench.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The markdown table: ns per packet per runner, and the ratios the project's targets are about. */
final class Table {
    private final List<Measurement> all;
    private final java.util.Map<String, Double> instructions;

    Table(List<Measurement> all, java.util.Map<String, Double> instructions) {
        this.all = all;
        this.instructions = instructions;
    }

    Optional<Measurement> find(String program, String mix, String runner, int threads) {
        return all.stream().filter(m -> m.program().equals(program) && m.mix().equals(mix)
            && m.runner().equals(runner) && m.threads() == threads).findFirst();
    }

    String markdown(String machine) {
        StringBuilder md = new StringBuilder();
        md.append("Measured on ").append(machine).append(". ns per packet (lower is better; the median of the measured iterations), one thread unless noted.\n\n");
        md.append("| program | mix | interp | jit | java | kernel | jit/interp speed-up | jit/java | jit/kernel | jit B/packet | 2-thread scaling (jit) | 2-thread scaling (java) | insns/packet | interp ns/insn |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Set<String> rows = new LinkedHashSet<>();
        for (Measurement m : all) {
            rows.add(m.program() + "\u0000" + m.mix());
        }
        for (String row : rows) {
            String program = row.substring(0, row.indexOf('\u0000'));
            String mix = row.substring(row.indexOf('\u0000') + 1);
            Optional<Measurement> interp = find(program, mix, "interp", 1);
            Optional<Measurement> jit = find(program, mix, "jit", 1);
            Optional<Measurement> java = find(program, mix, "java", 1);
            Optional<Measurement> kernel = find(program, mix, "kernel", 1);
            Optional<Measurement> jit2 = find(program, mix, "jit", 2);
            Optional<Measurement> java2 = find(program, mix, "java", 2);
            Double insns = instructions.get(program + "/" + mix);
            md.append("| ").append(program).append(" | ").append(mix)
                .append(" | ").append(ns(interp)).append(" | ").append(ns(jit)).append(" | ").append(ns(java))
                .append(" | ").append(ns(kernel))
                .append(" | ").append(ratio(interp, jit, "x"))
                .append(" | ").append(ratio(jit, java, ""))
                .append(" | ").append(ratio(jit, kernel, ""))
                .append(" | ").append(jit.map(m -> Double.isNaN(m.bytesPerPacket()) ? "-" : fmt(m.bytesPerPacket())).orElse("-"))
                .append(" | ").append(scaling(jit, jit2))
                .append(" | ").append(scaling(java, java2))
                .append(" | ").append(insns == null ? "-" : fmt(insns))
                .append(" | ").append(insns == null || interp.isEmpty() ? "-"
                    : String.format(Locale.ROOT, "%.2f", interp.get().nsPerPacket() / insns))
                .append(" |\n");
        }
        md.append("\njit/interp: how many times faster the JIT is; jit/java and jit/kernel: the JIT's time over the"
            + " other's (below 1 means the JIT is faster); 2-thread scaling: packets per second with two threads"
            + " sharing the program and maps over one thread (for java: the same two threads on the hand-written"
            + " classifier, what the machine itself allows); insns/packet: eBPF instructions executed per packet"
            + " (interpreter step count), so interp ns/insn compares with other interpreters.\n");
        return md.toString();
    }

    private static String ns(Optional<Measurement> m) {
        return m.map(x -> fmt(x.nsPerPacket())).orElse("-");
    }

    /** a's time over b's, with a suffix. */
    private static String ratio(Optional<Measurement> a, Optional<Measurement> b, String suffix) {
        if (a.isEmpty() || b.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f%s", a.get().nsPerPacket() / b.get().nsPerPacket(), suffix);
    }

    private static String scaling(Optional<Measurement> one, Optional<Measurement> two) {
        if (one.isEmpty() || two.isEmpty()) {
            return "-";
        }
        // AverageTime with 2 threads is the time per packet of each thread: throughput doubles at equal time.
        return String.format(Locale.ROOT, "%.2fx", 2 * one.get().nsPerPacket() / two.get().nsPerPacket());
    }

    static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v < 0.05 && v > -0.05 ? "0" : String.format(Locale.ROOT, "%.1f", v);
    }
}
