package io.ebpfjvm.interp;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.testing.ConformanceCase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every {@code tests/*.data} case, parsed and assembled by us, run through the interpreter. */
class DataConformanceTest {

    @TestFactory
    Stream<DynamicTest> everyCasePasses() {
        return ConformanceCase.loadAll().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            assertNull(c.error(), "no case of the suite expects an error");
            byte[] code = c.raw() != null ? c.raw() : Assembler.assemble(c.asm()).toBytes();
            assertEquals(c.expected(), AssembledConformanceTest.run(code, c.memory()),
                () -> String.format("%s: expected 0x%x", c.name(), c.expected()));
        }));
    }
}
