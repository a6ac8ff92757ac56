package io.ebpfjvm.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written baselines must classify exactly as the eBPF programs do, frame by frame,
 * or the benchmark compares different work.
 */
class BaselineAgreementTest {

    static Stream<Arguments> cases() {
        return Arrays.stream(Workload.values())
            .flatMap(w -> Arrays.stream(PacketMix.values()).map(m -> Arguments.of(w, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void baselineAgreesWithTheProgramOnEveryFrame(Workload workload, PacketMix mix) {
        Traffic traffic = Traffic.generate(mix, 42);
        Classifier program = Engine.INTERP.prepare(workload, traffic);
        Classifier java = Engine.JAVA.prepare(workload, traffic);
        Classifier jit = Engine.JIT.prepare(workload, traffic);
        long[] histogram = new long[8];
        byte[][] frames = traffic.frames();
        for (int i = 0; i < frames.length; i++) {
            byte[] f = frames[i];
            long expected = program.classify(f, 0, f.length);
            assertEquals(expected, java.classify(f, 0, f.length), workload + " frame " + i);
            assertEquals(expected, jit.classify(f, 0, f.length), workload + " frame " + i + " (JIT)");
            histogram[(int) Math.min(7, expected == 262144 ? 7 : expected)]++;
        }
        // Every workload but the ethertype filter must take more than one branch on this traffic.
        long outcomes = Arrays.stream(histogram).filter(n -> n > 0).count();
        assertTrue(outcomes >= 2, workload + " " + mix + " verdicts " + Arrays.toString(histogram));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncations")
    void baselineAgreesOnTruncatedFrames(Workload workload) {
        Traffic traffic = Traffic.generate(PacketMix.MIXED, 9);
        Classifier program = Engine.INTERP.prepare(workload, traffic);
        Classifier java = Engine.JAVA.prepare(workload, traffic);
        for (int i = 0; i < 64; i++) {
            byte[] f = traffic.frames()[i];
            for (int len = 0; len <= Math.min(f.length, 80); len++) {
                assertEquals(program.classify(f, 0, len), java.classify(f, 0, len), workload + " frame " + i + " cut to " + len);
            }
        }
    }

    static Stream<Workload> truncations() {
        return Arrays.stream(Workload.values());
    }
}
