package io.ebpfjvm.jit.fuzz;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator.Generated;
import io.ebpfjvm.jit.JitOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Differential fuzzing with our verifier in the loop. Every program of {@link SafeProgramGenerator}
 * is one the Linux kernel accepts (vm-interp's {@code KernelFuzzDifferentialTest} holds the
 * generator to that), so our verifier must accept it too: a rejection is a false reject. The
 * accepted program then runs in the interpreter and in the JIT compiled with the verifier's
 * access facts (direct array accesses where an access is proven), a quarter of the time cut
 * into small regions: r0, packet and maps must be equal, and neither may fault, since a
 * verified program faulting means a fact or a check is wrong.
 *
 * <p>CI runs {@value #CI_PROGRAMS} programs; {@code -Debpf.fuzz.verified.programs=N} runs N
 * (the long mode), {@code -Debpf.fuzz.verified.seed=S} starts at another seed.
 */
class VerifiedFuzzTest {
    private static final int CI_PROGRAMS = 20_000;
    private static final int PROGRAMS = Integer.getInteger("ebpf.fuzz.verified.programs", CI_PROGRAMS);
    private static final long FIRST_SEED = Long.getLong("ebpf.fuzz.verified.seed", 1_000_000L);
    private static final int MAX_STATEMENTS = 40;

    private record Failure(long seed, String cause, String detail) {
    }

    @Test
    void ourVerifierAcceptsAndBothEnginesAgreeWithoutFaults() {
        Queue<Failure> failures = new ConcurrentLinkedQueue<>();
        Set<Integer> shapes = ConcurrentHashMap.newKeySet();
        AtomicLong instructions = new AtomicLong();
        long start = System.nanoTime();
        // One thread: defining hidden classes from two threads was slower here, not faster.
        LongStream.range(FIRST_SEED, FIRST_SEED + PROGRAMS).forEach(seed -> {
            Generated g = SafeProgramGenerator.generate(seed, MAX_STATEMENTS);
            shapes.add(shape(g));
            instructions.addAndGet(g.program().slots().size());
            int budget = new SplittableRandom(seed).nextInt(4) == 0 ? 200 + (int) (seed % 800) : JitOptions.DEFAULT_METHOD_BUDGET;
            VerifiedPipeline.Result r;
            try {
                r = VerifiedPipeline.run(g, budget);
            } catch (RuntimeException e) {
                failures.add(new Failure(seed, "crash: " + e, e.toString()));
                return;
            }
            if (!r.accepted()) {
                failures.add(new Failure(seed, "false reject: " + r.rejection(), r.rejection()));
            } else if (r.interpreter().faulted() || r.jit().faulted()) {
                failures.add(new Failure(seed, "verified program faulted (" + r.jitVariant() + ")",
                    "interpreter " + r.interpreter() + "\njit " + r.jit()));
            } else if (!r.interpreter().equals(r.jit())) {
                failures.add(new Failure(seed, "engines disagree (" + r.jitVariant() + ")",
                    "interpreter " + r.interpreter() + "\njit         " + r.jit()));
            }
        });
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("VerifiedFuzzTest: %d programs from seed %d (%d instructions, %d distinct opcode shapes) verified, "
            + "run in interpreter and JIT with facts in %d ms; %d failures%n",
            PROGRAMS, FIRST_SEED, instructions.get(), shapes.size(), ms, failures.size());
        if (!failures.isEmpty()) {
            fail(report(failures));
        }
        assertTrue(shapes.size() > PROGRAMS * 9 / 10, "programs too alike: " + shapes.size() + " shapes");
    }

    /** The opcode sequence: programs differing only in registers, offsets and constants share it. */
    private static int shape(Generated g) {
        int h = 1;
        for (Instruction i : g.program().slots()) {
            h = 31 * h + i.opcode();
        }
        return h;
    }

    /** Failures grouped by cause (numbers blanked), with a few seeds each and the first one in full. */
    private static String report(Queue<Failure> failures) {
        Map<String, java.util.List<Long>> byCause = new TreeMap<>();
        for (Failure f : failures) {
            byCause.computeIfAbsent(f.cause().replaceAll("\\d+", "N"), k -> new java.util.ArrayList<>()).add(f.seed());
        }
        StringBuilder b = new StringBuilder(failures.size() + " of " + PROGRAMS + " programs failed:\n");
        byCause.forEach((cause, seeds) -> b.append("  ").append(seeds.size()).append(" x ").append(cause)
            .append(" (seeds ").append(seeds.stream().sorted().limit(5).toList()).append(")\n"));
        Failure first = failures.stream().min(java.util.Comparator.comparingLong(Failure::seed)).orElseThrow();
        return b.append("first, seed ").append(first.seed()).append(":\n").append(first.detail()).toString();
    }
}
