package io.ebpfjvm.jit;

import java.util.Set;
import java.util.function.Consumer;

/**
 * How the JIT translates one program.
 *
 * @param facts             per-instruction memory facts from a verifier ({@link AccessFacts#none()} when unverified)
 * @param interpretedBlocks start indices of basic blocks to run in the block interpreter instead of
 *                          translating them (the fallback path, forced here by tests and tools)
 * @param strict            when true a program the JIT cannot translate is an error; when false it runs
 *                          in the interpreter after a one-line notice
 * @param notices           where the one-line fallback notice goes
 * @param methodBudget      estimated bytecode size (a generous guess) above which a function is cut into
 *                          regions; methods are measured afterwards and cut finer while any exceeds
 *                          HotSpot's 8000-byte limit for methods C2 compiles
 */
public record JitOptions(AccessFacts facts, Set<Integer> interpretedBlocks, boolean strict,
                         Consumer<String> notices, int methodBudget) {
    /** Default estimated size of one generated method. */
    public static final int DEFAULT_METHOD_BUDGET = 10_000;

    public JitOptions {
        facts = facts == null ? AccessFacts.none() : facts;
        interpretedBlocks = interpretedBlocks == null ? Set.of() : Set.copyOf(interpretedBlocks);
        notices = notices == null ? System.err::println : notices;
        if (methodBudget < 200) {
            throw new IllegalArgumentException("methodBudget must be at least 200 bytes, got " + methodBudget);
        }
    }

    public static JitOptions defaults() {
        return new JitOptions(AccessFacts.none(), Set.of(), false, null, DEFAULT_METHOD_BUDGET);
    }

    public JitOptions withFacts(AccessFacts f) {
        return new JitOptions(f, interpretedBlocks, strict, notices, methodBudget);
    }

    public JitOptions withInterpretedBlocks(Set<Integer> starts) {
        return new JitOptions(facts, starts, strict, notices, methodBudget);
    }

    public JitOptions withStrict(boolean s) {
        return new JitOptions(facts, interpretedBlocks, s, notices, methodBudget);
    }

    public JitOptions withNotices(Consumer<String> sink) {
        return new JitOptions(facts, interpretedBlocks, strict, sink, methodBudget);
    }

    public JitOptions withMethodBudget(int bytes) {
        return new JitOptions(facts, interpretedBlocks, strict, notices, bytes);
    }
}
