package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.testing.ConformanceCase;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our assembler against the suite's own assembly: each case's {@code -- asm} text must give
 * exactly the bytes in {@code assembled.tsv}, and our disassembly of those bytes must
 * assemble back to them.
 */
class ConformanceAssemblyTest {
    private static final Map<String, ConformanceCase> ASSEMBLED = ConformanceCase.loadAssembledTsv().stream()
        .collect(Collectors.toMap(ConformanceCase::name, Function.identity()));

    @Test
    void everyDataFileHasAnAssembledTwin() {
        assertEquals(313, ConformanceCase.loadAll().size());
        assertEquals(ASSEMBLED.keySet(), ConformanceCase.loadAll().stream().map(ConformanceCase::name).collect(Collectors.toSet()));
    }

    @TestFactory
    Stream<DynamicTest> asmSectionAssemblesToTheSuiteBytes() {
        return ConformanceCase.loadAll().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String expected = HexFormat.of().formatHex(ASSEMBLED.get(c.name()).raw());
            assertEquals(expected, HexFormat.of().formatHex(Assembler.assemble(c.asm()).toBytes()));
        }));
    }

    @TestFactory
    Stream<DynamicTest> disassemblyAssemblesBack() {
        return ASSEMBLED.values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
            .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                Program p = InstructionDecoder.decode(c.raw());
                String text = Disassembler.disassemble(p);
                assertEquals(HexFormat.of().formatHex(c.raw()), HexFormat.of().formatHex(Assembler.assemble(text).toBytes()), text);
            }));
    }
}
