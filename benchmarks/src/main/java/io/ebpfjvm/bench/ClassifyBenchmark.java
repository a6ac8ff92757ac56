package io.ebpfjvm.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds per packet: one invocation classifies a batch of {@link Traffic#BATCH} frames,
 * so the score is the mean over a realistic spread of frames rather than one hot frame.
 * With {@code -t 2} both threads share the program and its maps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClassifyBenchmark {
    @Param({"ethertype", "acl", "lpm", "csum", "hash", "cbpf"})
    public String program;

    @Param({"interp", "jit", "java"})
    public String engine;

    @Param({"small", "mtu", "mixed"})
    public String mix;

    private Classifier classifier;
    private byte[][] frames;

    @Setup
    public void setUp() {
        Traffic traffic = Traffic.generate(PacketMix.of(mix), 42);
        frames = traffic.frames();
        classifier = Engine.of(engine).prepare(Workload.of(program), traffic);
    }

    @Benchmark
    @OperationsPerInvocation(Traffic.BATCH)
    public long classify() {
        long verdicts = 0;
        for (byte[] frame : frames) {
            verdicts += classifier.classify(frame, 0, frame.length);
        }
        return verdicts;
    }
}
