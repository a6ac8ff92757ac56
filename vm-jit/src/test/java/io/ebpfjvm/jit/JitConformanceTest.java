package io.ebpfjvm.jit;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ConformanceHelpers;
import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.testing.ConformanceCase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every case of the bpf_conformance suite through the JIT, strict (no interpreter fallback). */
class JitConformanceTest {

    static long run(Program program, byte[] memory, JitOptions options) {
        ExecutableProgram p = Jit.compile(program, ProgramType.RAW_MEMORY, MapSet.empty(), ConformanceHelpers.registry(),
            ExecutionOptions.defaults(), options.withStrict(true));
        assertEquals(JitProgram.class, p.getClass());
        return memory == null ? p.run() : p.run(memory.clone());
    }

    @Test
    void tableHoldsTheWholeSuite() {
        assertEquals(313, ConformanceCase.loadAssembledTsv().size());
    }

    @TestFactory
    Stream<DynamicTest> assembledCasesPass() {
        List<ConformanceCase> cases = ConformanceCase.loadAssembledTsv();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> assertEquals(c.expected(),
            run(InstructionDecoder.decode(c.raw()), c.memory(), JitOptions.defaults()),
            () -> String.format("%s: expected 0x%x", c.name(), c.expected()))));
    }

    @TestFactory
    Stream<DynamicTest> dataCasesPass() {
        return ConformanceCase.loadAll().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            assertNull(c.error(), "no case of the suite expects an error");
            Program program = c.raw() != null ? InstructionDecoder.decode(c.raw()) : Assembler.assemble(c.asm());
            assertEquals(c.expected(), run(program, c.memory(), JitOptions.defaults()),
                () -> String.format("%s: expected 0x%x", c.name(), c.expected()));
        }));
    }

    /** The same suite with every block forced through the block interpreter fallback. */
    @TestFactory
    Stream<DynamicTest> casesPassWithEveryBlockInterpreted() {
        return ConformanceCase.loadAssembledTsv().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Program program = InstructionDecoder.decode(c.raw());
            java.util.Set<Integer> starts = new java.util.HashSet<>();
            new ControlFlow(program).blocks.forEach(b -> starts.add(b.start()));
            assertEquals(c.expected(), run(program, c.memory(), JitOptions.defaults().withInterpretedBlocks(starts)),
                () -> String.format("%s: expected 0x%x", c.name(), c.expected()));
        }));
    }

    /** The same suite cut into the smallest regions, so every function goes through the dispatcher. */
    @TestFactory
    Stream<DynamicTest> casesPassSplitIntoRegions() {
        return ConformanceCase.loadAssembledTsv().stream().map(c -> DynamicTest.dynamicTest(c.name(),
            () -> assertEquals(c.expected(), run(InstructionDecoder.decode(c.raw()), c.memory(),
                    JitOptions.defaults().withMethodBudget(200)),
                () -> String.format("%s: expected 0x%x", c.name(), c.expected()))));
    }
}
