package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.isa.InstructionEncoder;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.testing.ProgramArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The disassembly of any code assembles back to the same bytes. */
class RoundTripProperties {

    @Provide
    Arbitrary<Program> programs() {
        return ProgramArbitraries.validPrograms(40);
    }

    @Provide
    Arbitrary<List<Instruction>> anySlots() {
        return ProgramArbitraries.anySlots(20);
    }

    @Property(tries = 3000)
    void asmOfDisasmIsIdentityForValidPrograms(@ForAll("programs") Program program) {
        String text = Disassembler.disassemble(program);
        assertFalse(text.contains(".8byte"), () -> "a valid instruction fell back to the raw form:\n" + text);
        assertEquals(HexFormat.of().formatHex(program.toBytes()),
            HexFormat.of().formatHex(Assembler.assemble(text).toBytes()), text);
    }

    @Property(tries = 3000)
    void asmOfDisasmIsIdentityForAnySlots(@ForAll("anySlots") List<Instruction> slots) {
        String text = Disassembler.disassemble(slots);
        assertEquals(HexFormat.of().formatHex(InstructionEncoder.encode(slots)),
            HexFormat.of().formatHex(InstructionEncoder.encode(Assembler.assembleSlots(text))), text);
    }

    @Property(tries = 1000)
    void decodeOfEncodeIsIdentity(@ForAll("programs") Program program) {
        assertEquals(program, InstructionDecoder.decode(InstructionEncoder.encode(program)));
    }
}
