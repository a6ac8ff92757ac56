package io.ebpfjvm.jit;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interpreter vs JIT on 10,000 generated programs per run (loops, calls, bpf_loop, atomics,
 * helpers, map values, packet loads, faults): the JIT, with or without the facts of the
 * in-bounds accesses (direct array paths), whole or cut into small regions, with or without
 * blocks forced through the block interpreter, must give the interpreter's r0 or fault,
 * memory and maps.
 */
class GeneratedDifferentialProperties {
    private static final AtomicInteger FAULTS = new AtomicInteger();
    private static final AtomicInteger STOPPED_OR_RETURNED = new AtomicInteger();
    private static final Set<String> DISTINCT = java.util.Collections.synchronizedSet(new HashSet<>());

    @Property(tries = 10_000, shrinking = ShrinkingMode.OFF)
    void jitAgreesWithTheInterpreter(@ForAll long seed) {
        GeneratedPrograms.Generated g = GeneratedPrograms.generate(seed);
        byte[] memory = new byte[GeneratedPrograms.MEMORY];
        Random r = new Random(seed ^ 0x5eed);
        r.nextBytes(memory);

        Run expected = run(g, memory, null);
        // One JIT configuration per program keeps 10,000 programs within CI time; each is drawn
        // often enough: facts (direct array paths) half the time, small regions and
        // interpreted blocks a quarter of the time each.
        JitOptions options = JitOptions.defaults().withStrict(true);
        String variant = "plain";
        if (r.nextBoolean()) {
            options = options.withFacts(g.accessFacts());
            variant = "facts";
        }
        if (r.nextInt(4) == 0) {
            options = options.withMethodBudget(200 + r.nextInt(800));
            variant += ", regions of " + options.methodBudget();
        }
        if (r.nextInt(4) == 0) {
            Set<Integer> interpreted = new HashSet<>();
            for (ControlFlow.Block b : new ControlFlow(g.program()).blocks) {
                if (r.nextInt(3) == 0) {
                    interpreted.add(b.start());
                }
            }
            options = options.withInterpretedBlocks(interpreted);
            variant += ", interpreted blocks " + interpreted;
        }
        Run actual = run(g, memory, options);
        String where = "seed " + seed + " (" + variant + ")";
        assertEquals(expected.outcome, actual.outcome, where);
        assertEquals(expected.memory, actual.memory, where + ": memory");
        assertEquals(expected.maps, actual.maps, where + ": maps");
        (expected.outcome.startsWith("fault") ? FAULTS : STOPPED_OR_RETURNED).incrementAndGet();
        DISTINCT.add(expected.outcome);
    }

    @AfterContainer
    static void programsWereInteresting() {
        int total = FAULTS.get() + STOPPED_OR_RETURNED.get();
        System.out.println("generated programs: " + total + ", faulted " + FAULTS.get() + ", distinct outcomes " + DISTINCT.size());
        // Most programs must run to an exit, or the comparison says little.
        assertTrue(STOPPED_OR_RETURNED.get() > total / 2, "too many faults: " + FAULTS.get() + " of " + total);
        assertTrue(DISTINCT.size() > total / 4, "outcomes too uniform: " + DISTINCT.size());
    }

    private record Run(String outcome, String memory, String maps) {
    }

    private static Run run(GeneratedPrograms.Generated g, byte[] memory, JitOptions jit) {
        MapSet maps = GeneratedPrograms.maps();
        HelperRegistry helpers = GeneratedPrograms.helpers();
        ExecutableProgram p = jit == null
            ? Interpreter.compile(new ProgramSpec("generated", "raw", g.program().slots()), ProgramType.RAW_MEMORY, maps,
                helpers, ExecutionOptions.defaults())
            : Jit.compile(g.program(), ProgramType.RAW_MEMORY, maps, helpers, ExecutionOptions.defaults(), jit);
        byte[] m = memory.clone();
        String outcome = Engines.outcome(p, m);
        return new Run(outcome, HexFormat.of().formatHex(m), Engines.contents(maps));
    }
}
