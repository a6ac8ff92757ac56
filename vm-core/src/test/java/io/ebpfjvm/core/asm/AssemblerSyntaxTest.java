package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.error.AssemblerException;
import io.ebpfjvm.core.error.InvalidProgramException;
import io.ebpfjvm.core.isa.InstructionEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Single lines of both syntaxes to their bytes, and the errors bad lines give. The LLVM
 * expectations are what {@code llvm-mc-19 -triple bpfel -mcpu=v4 -show-encoding} gives for the
 * same text.
 */
class AssemblerSyntaxTest {

    private static String hex(String source) {
        return HexFormat.of().formatHex(InstructionEncoder.encode(Assembler.assembleSlots(source)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        r0 = *(u32 *)(r1 + 0x4)                          | 6110040000000000
        *(u64 *)(r10 - 0x8) = r1                         | 7b1af8ff00000000
        if r3 > r2 goto +0x4 <LBB0_2>                    | 2d23040000000000
        if w1 s< 0x5 goto -0x3                           | c601fdff05000000
        r0 = 0x1 ll                                      | 18000000010000000000000000000000
        w0 = w1                                          | bc10000000000000
        r0 = (s8)r1                                      | bf10080000000000
        r1 = be16 r1                                     | dc01000010000000
        r1 = bswap32 r1                                  | d701000020000000
        lock *(u32 *)(r1 + 0x0) += w2                    | c321000000000000
        lock *(u32 *)(r1 + 0x0) += r2                    | c321000000000000
        r0 = atomic_fetch_add((u64 *)(r1 + 0x0), r0)     | db01000001000000
        r0 = cmpxchg_64(r1 + 0x0, r0, r2)                | db210000f1000000
        w0 = xchg32_32(r1 + 0x0, w0)                     | c3010000e1000000
        r0 = *(s16 *)(r1 + 0x2)                          | 8910020000000000
        gotol +0x10                                      | 0600000010000000
        call 0x1                                         | 8500000001000000
        callx r2                                         | 8d02000000000000
        exit                                             | 9500000000000000
        r0 = -r0                                         | 8700000000000000
        r0 s/= r1                                        | 3f10010000000000
        r0 s%= 3                                         | 9700010003000000
        r1 s>>= 3                                        | c701000003000000
        r1 = r1 s>> 3                                    | c701000003000000
        w1 = w1 + w2                                     | 0c21000000000000
        r0 = *(u8 *)skb[0xc]                             | 300000000c000000
        r0 = *(u16 *)skb[r1]                             | 4810000000000000
        r0 = *(u16 *)skb[r1 + 0x0]                       | 4810000000000000
        w1 = *(u8 *)(r2 + 0x1)                           | 7121010000000000
        *(u16 *)(r10 - 0x2) = w3                         | 6b3afeff00000000
        lock *(u64 *)(r10 - 0x8) ^= r1                   | db1af8ffa0000000
        w2 = atomic_fetch_or((u32 *)(r10 - 0x4), w2)     | c32afcff41000000
        r3 = 0xffffffffffffffff ll                       | 18030000ffffffff00000000ffffffff
        r3 = -1 ll                                       | 18030000ffffffff00000000ffffffff
        w1 = 0x80000000                                  | b401000000000080
        if r1 == -0x1 goto -0x8000                       | 15010080ffffffff
        call pc-0x1                                      | 85100000ffffffff
        call -0x1                                        | 85100000ffffffff
        call kfunc 0x4d, 0x1                             | 852001004d000000
        call helper -0x2                                 | 85000000feffffff
        ld_pseudo r1, 0x2, 0x3, 0x10                     | 18210000030000000000000010000000
        r0 = *(u16 *)skb[r2 - 0x4]                       | 48200000fcffffff
        .8byte 0x00000000000000ff                        | ff00000000000000
        7: c3 5a f8 ff 50 00 00 00 <unknown>             | c35af8ff50000000
        7: c3 5a f8 ff 50 00 00 00 lock *(u32 *)(r10 - 0x8) &= w5 | c35af8ff50000000
        """)
    void llvmSyntax(String source, String expected) {
        assertEquals(expected, hex(source));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        ldxw %r0, [%r1+4]                 | 6110040000000000
        stxdw [%r10-8], %r3               | 7b3af8ff00000000
        stb [%r1+2], 0x11                 | 7201020011000000
        add32 %r0, 1                      | 0400000001000000
        mov %r0, %r1                      | bf10000000000000
        lddw %r0, 0x1122334455667788      | 18000000887766550000000044332211
        jeq %r1, 0x8, +1                  | 1501010008000000
        jeq %r1, 0x80000000, +1           | 1501010000000080
        call 5                            | 8500000005000000
        call %r2                          | 8d02000000000000
        le16 %r1                          | d401000010000000
        be32 %r1                          | dc01000020000000
        bswap64 %r1                       | d701000040000000
        neg %r1                           | 8701000000000000
        neg32 %r1                         | 8401000000000000
        sdiv %r1, 3                       | 3701010003000000
        smod32 %r1, %r2                   | 9c21010000000000
        movsx832 %r1, %r2                 | bc21080000000000
        movsx1664 %r1, %r2                | bf21100000000000
        movsx3264 %r1, %r2                | bf21200000000000
        ldxsb %r1, [%r2-1]                | 9121ffff00000000
        ldxsh %r1, [%r2]                  | 8921000000000000
        ldxsw %r1, [%r2+0x10]             | 8121100000000000
        lock add [%r10-8], %r1            | db1af8ff00000000
        lock xchg32 [%r10-8], %r1         | c31af8ffe1000000
        lock cmpxchg [%r10-8], %r1        | db1af8fff1000000
        lock fetch add [%r10-8], %r1      | db1af8ff01000000
        lock fetch_add32 [%r10-8], %r1    | c31af8ff01000000
        ldabsh 12                         | 280000000c000000
        ldindb %r2, 4                     | 5020000004000000
        """)
    void ubpfSyntax(String source, String expected) {
        assertEquals(expected, hex(source));
    }

    @Test
    void labelsAndLocalCallsResolveInBothSyntaxes() {
        String source = """
            mov %r0, 0
            jne %r0, 15, failed
            ja32 L2
            call local func1
            failed: exit
            L2:
              if r0 == 0x0 goto func1
            func1:
              exit
            """;
        assertEquals("b700000000000000" + "550002000f000000" + "0600000002000000" + "8510000002000000"
            + "9500000000000000" + "1500000000000000" + "9500000000000000", hex(source));
    }

    @Test
    void commentsNumbersAndMixedSyntax() {
        String source = """
            # a whole-line comment
            r0 = 10 ; decimal, LLVM syntax
            mov %r1, 0x10 // hex, uBPF syntax
            r0 += r1 # and a trailing comment

            exit
            """;
        assertEquals("b70000000a000000" + "b701000010000000" + "0f10000000000000" + "9500000000000000", hex(source));
    }

    @Test
    void assembleValidatesAndAssembleSlotsDoesNot() {
        assertEquals("b70a000001000000", hex("r10 = 1"));
        assertThrows(InvalidProgramException.class, () -> Assembler.assemble("r10 = 1\nexit"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        r11 = 1                            | line 3: expected a register like r1 or %r1, got 'r11'
        mov %r11, 1                        | line 3: expected a register like r1 or %r1, got '%r11'
        w1 += r2                           | line 3: expected w2 here (32-bit operand), got 'r2'
        r0 = *(u64 *)(w1 + 0x0)            | line 3: cannot read 'r0 = *(u64 *)(w1 + 0x0)' as an LLVM-syntax instruction (expected a form llvm-objdump prints, such as r0 = *(u32 *)(r1 + 0x4))
        frobnicate %r1                     | line 3: unknown mnemonic 'frobnicate'
        ja nowhere                         | line 3: undefined label 'nowhere'
        r0 = 0x100000000                   | line 3: immediate 0x100000000 does not fit in 32 bits
        r0 = *(u32 *)(r1 + 0x8000)         | line 3: offset 0x8000 does not fit in 16 bits
        add %r1                            | line 3: expected 2 operands, got 1
        r1 = be16 r2                       | line 3: a byte swap works in place: expected the same register on both sides
        lddw %r0, 0x10000000000000000      | line 3: expected a 64-bit number, got '0x10000000000000000'
        ldxw %r0, %r1                      | line 3: expected a memory operand like [%r1+8], got '%r1'
        r2 = atomic_fetch_add((u64 *)(r1 + 0x0), r3) | line 3: an atomic fetch returns the old value in its source register: expected r3 on the left, got r2
        r1 = r2 + 3                        | line 3: expected the destination as the first operand (r1 = r1 + ...), got r2
        w1 = (s32)w2                       | line 3: a 32-bit move sign-extends from (s8) or (s16), not (s32)
        call nowhere                       | line 3: undefined label 'nowhere'
        .8byte zero                        | line 3: expected .8byte followed by a 64-bit number, got 'zero'
        <unknown>                          | line 3: <unknown> without the listing's byte column: expected an instruction
        """)
    void errorsNameTheLineAndWhatWasExpected(String bad, String message) {
        AssemblerException e = assertThrows(AssemblerException.class,
            () -> Assembler.assembleSlots("exit\n# fine so far\n" + bad + "\nexit"));
        assertEquals(message, e.getMessage());
        assertEquals(3, e.line());
    }

    @Test
    void labelDefinedTwice() {
        AssemblerException e = assertThrows(AssemblerException.class, () -> Assembler.assembleSlots("x: exit\nx: exit"));
        assertEquals("line 2: label 'x' defined twice", e.getMessage());
    }

    @Test
    void jumpBeyondSixteenBits() {
        String far = "ja end\n" + "r0 = 0\n".repeat(40000) + "end: exit";
        AssemblerException e = assertThrows(AssemblerException.class, () -> Assembler.assembleSlots(far));
        assertEquals("line 1: jump to 'end' is 40000 instructions away: beyond a 16-bit offset (use gotol / ja32)",
            e.getMessage());
        assertEquals(40002, Assembler.assembleSlots(far.replace("ja end", "ja32 end")).size());
    }
}
