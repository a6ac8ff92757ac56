package io.ebpfjvm.core.isa;

import io.ebpfjvm.core.error.InvalidProgramException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HexFormat;
import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;

class InstructionDecoderTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static InvalidProgramException rejected(String hex) {
        return assertThrows(InvalidProgramException.class, () -> InstructionDecoder.decode(hex(hex)));
    }

    @Test
    void decodesFieldsLittleEndian() {
        // ldxw r2, [r1 + 4]  then exit
        Program p = InstructionDecoder.decode(hex("61 12 0400 00000000  95 00 0000 00000000"));
        Instruction ldx = p.get(0);
        assertEquals(BPF_LDX | BPF_MEM | BPF_W, ldx.opcode());
        assertEquals(2, ldx.dst());
        assertEquals(1, ldx.src());
        assertEquals(4, ldx.offset());
        assertTrue(p.get(1).isExit());
    }

    @Test
    void negativeOffsetAndImmediate() {
        Program p = InstructionDecoder.decode(hex("7a 0a f8ff ffffffff  95 00 0000 00000000"));
        assertEquals(-8, p.get(0).offset());
        assertEquals(-1, p.get(0).imm());
    }

    @Test
    void wideLoadCombinesBothSlots() {
        Program p = InstructionDecoder.decode(hex("18 00 0000 88776655  00 00 0000 44332211  95 00 0000 00000000"));
        assertEquals(3, p.size());
        assertEquals(0x1122334455667788L, p.wideImmediate(0));
    }

    @Test
    void encoderInvertsDecoder() {
        byte[] code = hex("b7 01 0000 ffffffff  18 00 0000 00000080  00 00 0000 00000000"
            + " 6d 21 0100 00000000  06 00 0000 fcffffff  95 00 0000 00000000");
        assertArrayEquals(code, InstructionDecoder.decode(code).toBytes());
    }

    @Test
    void lddwBuilderGivesTwoSlots() {
        Instruction[] slots = Instruction.lddw(3, BPF_PSEUDO_MAP_VALUE, -2L);
        Program p = Program.of(List.of(slots[0], slots[1], Instruction.of(EXIT, 0, 0, 0, 0)));
        assertEquals(-2L, p.wideImmediate(0));
        assertEquals(BPF_PSEUDO_MAP_VALUE, p.get(0).src());
    }

    @Test
    void lengthNotMultipleOfEight() {
        assertTrue(rejected("95 00 0000 000000").getMessage().contains("multiple of 8"));
    }

    @Test
    void emptyProgram() {
        assertTrue(rejected("").getMessage().contains("empty program"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown alu op       | b7 00 0000 00000000 e7 00 0000 00000000 | insn 1: unknown opcode 0xe7",
        "unknown class op     | 9d 00 0000 00000000                     | insn 0: unknown opcode 0x9d",
        "jmp32 call           | 86 00 0000 01000000                     | insn 0: unknown opcode 0x86",
        "ld dw abs            | 38 00 0000 00000000                     | insn 0: unknown opcode 0x38",
        "lone second half     | 00 00 0000 00000000                     | insn 0: unknown opcode 0x00",
        "ldx memsx dw         | 99 01 0000 00000000                     | insn 0: unknown opcode 0x99",
        "atomic byte          | d3 01 0000 00000000                     | insn 0: unknown opcode 0xd3",
        "bad dst register     | b7 0b 0000 00000000                     | insn 0: invalid register r11",
        "bad src register     | bf 0c 0000 00000000                     | insn 0: invalid register r12",
        "write r10 by alu     | b7 0a 0000 00000000                     | insn 0: write to frame pointer r10",
        "write r10 by ldx     | 61 1a 0000 00000000                     | insn 0: write to frame pointer r10",
        "write r10 by lddw    | 18 0a 0000 00000000 00 00 0000 00000000 | insn 0: write to frame pointer r10",
        "lddw at the end      | 95 00 0000 00000000 18 00 0000 00000000 | insn 1: incomplete lddw",
        "lddw bad second slot | 18 00 0000 00000000 b7 00 0000 00000000 | insn 1: incomplete lddw",
        "jump past the end    | 05 00 0100 00000000 95 00 0000 00000000 | insn 0: jump out of range: target 2",
        "jump before start    | 05 00 feff 00000000                     | insn 0: jump out of range: target -1",
        "jump into lddw       | 05 00 0100 00000000 18 00 0000 00000000 00 00 0000 00000000 | insn 0: jump into the middle of lddw at insn 1",
        "gotol out of range   | 06 00 0000 05000000                     | insn 0: jump out of range: target 6",
        "local call past end  | 85 10 0000 07000000                     | insn 0: call out of range",
        "bad atomic op        | db 21 0000 02000000                     | insn 0: unknown atomic operation 0x2",
        "bad byte swap width  | d4 00 0000 08000000                     | insn 0: byte swap width 8",
        "bad div offset       | 3f 10 0200 00000000                     | insn 0: division offset 2",
        "movsx32 of 32 bits   | bc 10 2000 00000000                     | insn 0: mov offset 32",
        "neg with register    | 8f 10 0000 00000000                     | insn 0: unknown opcode 0x8f",
        "imm with reg source  | 0f 10 0000 01000000                     | insn 0: alu uses reserved fields",
    })
    void rejectsWithIndexAndExpectation(String name, String hex, String expected) {
        String message = rejected(hex).getMessage();
        assertTrue(message.startsWith(expected), () -> name + ": got '" + message + "'");
    }

    @Test
    void rejectionCarriesIndex() {
        InvalidProgramException e = rejected("b7 00 0000 00000000 b7 00 0000 00000000 ff 00 0000 00000000");
        assertEquals(2, e.instructionIndex());
    }

    @Test
    void acceptsEveryIsaV4Form() {
        String[] ok = {
            "bf 12 0800 00000000", // movsx64 r2 = (s8) r1
            "bc 12 1000 00000000", // movsx32 w2 = (s16) w1
            "3f 12 0100 00000000", // sdiv64 by register
            "94 02 0100 03000000", // smod32 by immediate
            "d7 02 0000 40000000", // bswap64
            "81 12 0400 00000000", // ldxsw
            "06 00 0000 00000000", // gotol +0
            "8d 02 0000 00000000", // callx r2
            "db 21 0000 f1000000", // cmpxchg64
            "c3 21 0000 e1000000", // xchg32
            "30 00 0000 0c000000", // ld_abs b
            "48 10 0000 00000000", // ld_ind h
        };
        for (String insn : ok) {
            assertDoesNotThrow(() -> InstructionDecoder.decode(hex(insn + " 95 00 0000 00000000")), insn);
        }
    }
}
