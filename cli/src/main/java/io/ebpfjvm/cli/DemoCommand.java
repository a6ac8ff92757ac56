package io.ebpfjvm.cli;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.isa.Program;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code ebpf demo}: classifies a built-in synthetic traffic set with a built-in eBPF
 * classifier and prints the verdict counts, checked against the same policy written in Java.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "Classify built-in synthetic traffic with a built-in eBPF packet classifier.",
        "Prints verdict counts, whether they agree with the same policy written in plain Java, and throughput."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--packets", paramLabel = "N", defaultValue = "1000000",
        description = "Number of packets to generate (default: ${DEFAULT-VALUE}).")
    int packets;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "9669", description = "Traffic seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "interp",
        description = "Execution engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EngineOption engine;

    @Option(names = "--show-program", description = "Print the classifier's disassembly first.")
    boolean showProgram;

    @Override
    public Integer call() {
        if (packets < 1 || packets > 50_000_000) {
            throw new EbpfException("--packets " + packets + ": expected 1..50000000");
        }
        PrintStream out = System.out;
        Program program = Assembler.assemble(classifierSource());
        if (showProgram) {
            out.println(io.ebpfjvm.core.asm.Disassembler.disassemble(program));
        }
        ExecutableProgram classifier = Engines.rawMemory(program, engine);
        DemoTraffic traffic = DemoTraffic.generate(packets, seed);
        out.printf("ebpf-jvm demo: %d-instruction classifier, %d synthetic packets, engine %s%n",
            program.size(), traffic.count(), engine);

        // Warm up on a prefix so the throughput figure is not all class loading and JIT warm-up.
        int warm = Math.min(traffic.count(), 200_000);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < warm; i++) {
                classifier.run(traffic.bytes, traffic.offsets[i], traffic.lengths[i]);
            }
        }
        long[] verdicts = new long[4];
        long start = System.nanoTime();
        for (int i = 0; i < traffic.count(); i++) {
            long v = classifier.run(traffic.bytes, traffic.offsets[i], traffic.lengths[i]);
            verdicts[(int) Math.min(v, 3)]++;
        }
        long elapsed = System.nanoTime() - start;

        long[] expected = new long[4];
        for (int i = 0; i < traffic.count(); i++) {
            expected[DemoPolicy.classify(traffic.bytes, traffic.offsets[i], traffic.lengths[i])]++;
        }
        out.printf("  PASS %,12d%n  DROP %,12d%n", verdicts[DemoPolicy.PASS], verdicts[DemoPolicy.DROP]);
        if (verdicts[0] + verdicts[3] > 0) {
            out.printf("  other %,11d%n", verdicts[0] + verdicts[3]);
        }
        boolean agrees = java.util.Arrays.equals(verdicts, expected);
        out.println("  agrees with the policy written in Java: " + (agrees ? "yes" : "NO (expected PASS "
            + expected[DemoPolicy.PASS] + ", DROP " + expected[DemoPolicy.DROP] + ")"));
        out.printf("  throughput: %.2f Mpps (%.0f ns/packet, one thread, wall clock; use the JMH benchmarks for real figures)%n",
            traffic.count() * 1e3 / elapsed, (double) elapsed / traffic.count());
        return agrees ? ExitCodes.OK : ExitCodes.PROGRAM_FAILED;
    }

    static String classifierSource() {
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo/classify.s")) {
            if (in == null) {
                throw new EbpfException("demo/classify.s: missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EbpfException("demo/classify.s: " + e.getMessage(), e);
        }
    }
}
