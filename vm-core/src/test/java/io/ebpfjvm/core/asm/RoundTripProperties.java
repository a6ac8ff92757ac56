package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.isa.InstructionEncoder;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.testing.ProgramArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** For every valid program, the disassembly assembles back to the same bytes. */
class RoundTripProperties {

    @Provide
    Arbitrary<Program> programs() {
        return ProgramArbitraries.validPrograms(40);
    }

    @Property(tries = 3000)
    void asmOfDisasmIsIdentity(@ForAll("programs") Program program) {
        String text = Disassembler.disassemble(program);
        assertFalse(text.contains(".8byte"), () -> "a valid instruction fell back to the raw form:\n" + text);
        assertEquals(HexFormat.of().formatHex(program.toBytes()),
            HexFormat.of().formatHex(Assembler.assemble(text).toBytes()), text);
    }

    @Property(tries = 1000)
    void decodeOfEncodeIsIdentity(@ForAll("programs") Program program) {
        assertEquals(program, InstructionDecoder.decode(InstructionEncoder.encode(program)));
    }
}
