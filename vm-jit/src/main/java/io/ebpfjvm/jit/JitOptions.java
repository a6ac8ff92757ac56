package io.ebpfjvm.jit;

import io.ebpfjvm.verifier.RegisterFacts;

import java.util.Set;
import java.util.function.Consumer;

/**
 * How the JIT translates one program.
 *
 * @param facts             per-instruction memory facts from a verifier ({@link AccessFacts#none()} when unverified)
 * @param registers         what a verifier proved about registers before each instruction (numbers kept
 *                          in {@code int} locals, packet pointers compared by offset); nothing when unverified
 * @param interpretedBlocks start indices of basic blocks to run in the block interpreter instead of
 *                          translating them (the fallback path, forced here by tests and tools)
 * @param strict            when true a program the JIT cannot translate is an error; when false it runs
 *                          in the interpreter after a one-line notice
 * @param notices           where the one-line fallback notice goes
 * @param methodBudget      estimated bytecode size (a generous guess) above which a function is cut into
 *                          regions; methods are measured afterwards and cut finer while any exceeds
 *                          HotSpot's 8000-byte limit for methods C2 compiles
 * @param iterationLimit    when true the run's step limit counts loop iterations (entries of a
 *                          block some backward jump targets) instead of instructions: still no
 *                          run goes on forever, at a fraction of the cost in loops; meant for
 *                          verified programs, whose instruction count the verifier already bounds.
 *                          When false (the default) the limit counts instructions exactly as the
 *                          interpreter does and stops at the same instruction.
 */
public record JitOptions(AccessFacts facts, RegisterFacts registers, Set<Integer> interpretedBlocks, boolean strict,
                         Consumer<String> notices, int methodBudget, boolean iterationLimit) {
    /** Default estimated size of one generated method. */
    public static final int DEFAULT_METHOD_BUDGET = 10_000;

    public JitOptions {
        facts = facts == null ? AccessFacts.none() : facts;
        registers = registers == null ? RegisterFacts.none() : registers;
        interpretedBlocks = interpretedBlocks == null ? Set.of() : Set.copyOf(interpretedBlocks);
        notices = notices == null ? System.err::println : notices;
        if (methodBudget < 200) {
            throw new IllegalArgumentException("methodBudget must be at least 200 bytes, got " + methodBudget);
        }
    }

    public static JitOptions defaults() {
        return new JitOptions(AccessFacts.none(), RegisterFacts.none(), Set.of(), false, null, DEFAULT_METHOD_BUDGET, false);
    }

    public JitOptions withFacts(AccessFacts f) {
        return new JitOptions(f, registers, interpretedBlocks, strict, notices, methodBudget, iterationLimit);
    }

    public JitOptions withRegisters(RegisterFacts r) {
        return new JitOptions(facts, r, interpretedBlocks, strict, notices, methodBudget, iterationLimit);
    }

    public JitOptions withInterpretedBlocks(Set<Integer> starts) {
        return new JitOptions(facts, registers, starts, strict, notices, methodBudget, iterationLimit);
    }

    public JitOptions withStrict(boolean s) {
        return new JitOptions(facts, registers, interpretedBlocks, s, notices, methodBudget, iterationLimit);
    }

    public JitOptions withNotices(Consumer<String> sink) {
        return new JitOptions(facts, registers, interpretedBlocks, strict, sink, methodBudget, iterationLimit);
    }

    public JitOptions withMethodBudget(int bytes) {
        return new JitOptions(facts, registers, interpretedBlocks, strict, notices, bytes, iterationLimit);
    }

    public JitOptions withIterationLimit(boolean loopsOnly) {
        return new JitOptions(facts, registers, interpretedBlocks, strict, notices, methodBudget, loopsOnly);
    }

    /**
     * What a program the verifier accepted allows: its memory facts (direct array accesses),
     * its register facts (int locals, packet pointers compared by offset) and a step limit on
     * loop iterations rather than instructions.
     */
    public JitOptions withVerified(io.ebpfjvm.verifier.VerifiedProgram verified) {
        return withFacts(verified::access).withRegisters(verified.registers()).withIterationLimit(true);
    }
}
