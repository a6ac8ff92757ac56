package io.ebpfjvm.interp;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ConformanceHelpers;
import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.testing.ConformanceCase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every case of the suite's pre-assembled table through the interpreter. */
class AssembledConformanceTest {

    static long run(byte[] code, byte[] memory) {
        ExecutableProgram p = Interpreter.compile(InstructionDecoder.decode(code), ProgramType.RAW_MEMORY,
            ConformanceHelpers.registry(), ExecutionOptions.defaults());
        return memory == null ? p.run() : p.run(memory.clone());
    }

    @Test
    void tableHoldsTheWholeSuite() {
        assertEquals(313, ConformanceCase.loadAssembledTsv().size());
    }

    @TestFactory
    Stream<DynamicTest> everyCasePasses() {
        List<ConformanceCase> cases = ConformanceCase.loadAssembledTsv();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(),
            () -> assertEquals(c.expected(), run(c.raw(), c.memory()), () -> String.format("%s: expected 0x%x", c.name(), c.expected()))));
    }
}
