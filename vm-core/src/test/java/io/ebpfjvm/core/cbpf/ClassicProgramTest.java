package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.ebpfjvm.core.cbpf.ClassicInstruction.jump;
import static io.ebpfjvm.core.cbpf.ClassicInstruction.stmt;
import static io.ebpfjvm.core.cbpf.ClassicOpcodes.*;
import static org.junit.jupiter.api.Assertions.*;

/** Parsing sock_filter arrays and tcpdump text, and the kernel's bpf_check_classic rules. */
class ClassicProgramTest {

    @Test
    void tcpdumpTextBytesAndDecimalFormAgree() {
        ClassicProgram dd = FilterCorpus.tcpdump().get(1).program();
        ClassicProgram ddd = ClassicProgram.fromText(FilterCorpus.resource("/cbpf/filter02.ddd"));
        assertEquals(dd, ddd);
        assertEquals(dd, ClassicProgram.fromBytes(dd.toBytes()));
        assertEquals(dd, ClassicProgram.fromText(dd.toText()));
        assertEquals(new ClassicInstruction(0x28, 0, 0, 12), dd.get(0));
        assertEquals("{ 0x28, 0, 0, 0x0000000c }", dd.get(0).toString());
        for (FilterCorpus.Filter f : FilterCorpus.tcpdump()) {
            assertEquals(f.program(), ClassicProgram.fromBytes(f.program().toBytes()), f.name());
        }
    }

    @Test
    void sockFilterLayoutIsLittleEndian() {
        ClassicProgram p = ClassicProgram.fromBytes(new byte[] {
            0x15, 0x00, 0x01, 0x02, 0x00, 0x08, 0x00, 0x00,   // jeq #0x800, jt 1, jf 2
            0x06, 0x00, 0x00, 0x00, (byte) 0xff, (byte) 0xff, 0x00, 0x00,
            0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        });
        assertEquals(jump(BPF_JMP | BPF_JEQ | BPF_K, 0x800, 1, 2), p.get(0));
        assertEquals(stmt(BPF_RET | BPF_K, 0xffff), p.get(1));
        CbpfFormatException e = assertThrows(CbpfFormatException.class, () -> ClassicProgram.fromBytes(new byte[12]));
        assertEquals("classic BPF: 12 bytes is not a whole number of 8-byte instructions", e.getMessage());
    }

    @Test
    void textErrorsNameTheLine() {
        assertText("{ 0x6, 0, 0, 0 },\nldh [12]\n", "classic BPF text line 2: expected '{ code, jt, jf, k },' as tcpdump -dd");
        assertText("{ 0x15, 256, 0, 0 },", "classic BPF text line 1: jt 256 out of range 0..255");
        assertText("{ 0x10006, 0, 0, 0 },", "classic BPF text line 1: code 0x10006 out of range 0..65535");
        assertText("{ 0x6, 0, 0, 0x100000000 },", "classic BPF text line 1: k 0x100000000 out of range");
        assertText("{ 0x6, 0, 0, 99999999999999999999 },", "classic BPF text line 1: k 99999999999999999999 out of range");
        assertText("2\n6 0 0 0\n", "classic BPF text: the count line says 2 instructions, 1 follow");
        // Comments, blank lines, decimal and negative k are fine.
        ClassicProgram p = ClassicProgram.fromText("# a comment\n\n// another\n{ 6, 0, 0, -1 }\n");
        assertEquals(-1, p.get(0).k());
    }

    private static void assertText(String text, String expected) {
        CbpfFormatException e = assertThrows(CbpfFormatException.class, () -> ClassicProgram.fromText(text));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    /** The opcodes the kernel's codes[] table lists, transcribed separately from ClassicChecker's. */
    private static final Set<Integer> KERNEL_CODES = Set.of(
        0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c,
        0x84, 0x94, 0x9c, 0xa4, 0xac,                                   // ALU
        0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x80, 0x00, 0x60,           // LD
        0x81, 0xb1, 0x01, 0x61,                                         // LDX
        0x02, 0x03, 0x07, 0x87, 0x06, 0x16,                             // ST, STX, TAX, TXA, RET
        0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d);          // JMP

    @Test
    void exactlyTheKernelsOpcodesAreKnown() {
        Set<Integer> accepted = new TreeSet<>();
        for (int code = 0; code < 0x200; code++) {
            for (int k : new int[] {0, 1}) { // k = 1 for division; k = 0 reads the scratch word written first
                List<ClassicInstruction> p = List.of(stmt(BPF_ST, 0), new ClassicInstruction(code, 0, 0, k),
                    stmt(BPF_RET | BPF_A, 0));
                try {
                    ClassicProgram.of(p);
                    accepted.add(code);
                } catch (CbpfFormatException e) {
                    // unknown, or known but refused for this k (division by 0, an unwritten M[1], ja past the end)
                }
            }
        }
        assertEquals(new TreeSet<>(KERNEL_CODES), accepted);
        assertEquals(49, accepted.size());
    }

    @Test
    void checksNameTheInstruction() {
        ClassicInstruction ret = stmt(BPF_RET | BPF_K, 0);
        assertCheck("classic BPF: 0 instructions, expected 1..4096");
        ClassicInstruction[] tooMany = new ClassicInstruction[4097];
        Arrays.fill(tooMany, ret);
        assertCheck("classic BPF: 4097 instructions, expected 1..4096", tooMany);
        ClassicInstruction[] most = Arrays.copyOf(tooMany, 4096);
        assertEquals(4096, ClassicProgram.of(List.of(most)).size());

        assertCheck("classic BPF insn 0: the last instruction must be a return", stmt(BPF_LD | BPF_ABS | BPF_H, 12));
        assertCheck("classic BPF insn 1: unknown opcode 0xc7", ret, stmt(0xc7, 0), ret);
        assertCheck("classic BPF insn 1: unknown opcode 0x106", ret, stmt(0x106, 0), ret);
        assertCheck("classic BPF insn 0: division by constant zero", stmt(BPF_ALU | BPF_DIV | BPF_K, 0), ret);
        assertCheck("classic BPF insn 0: division by constant zero", stmt(BPF_ALU | BPF_MOD | BPF_K, 0), ret);
        assertCheck("classic BPF insn 0: shift by 32, expected 0..31", stmt(BPF_ALU | BPF_LSH | BPF_K, 32), ret);
        assertCheck("classic BPF insn 0: shift by 4294967295, expected 0..31", stmt(BPF_ALU | BPF_RSH | BPF_K, -1), ret);
        assertCheck("classic BPF insn 0: jump offset 1 leaves the program (2 instructions)", stmt(BPF_JMP | BPF_JA, 1), ret);
        assertCheck("classic BPF insn 0: jump offset 4294967295 leaves the program (2 instructions)",
            stmt(BPF_JMP | BPF_JA, -1), ret);
        assertCheck("classic BPF insn 1: conditional jump (jt 0, jf 1) leaves the program (3 instructions)",
            ret, jump(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), ret);
        for (int code : new int[] {BPF_ST, BPF_STX, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM}) {
            assertCheck("classic BPF insn 0: scratch memory index 16, expected 0..15", stmt(code, 16), ret);
        }
    }

    @Test
    void scratchReadsNeedAWriteOnEveryPath() {
        ClassicInstruction ret = stmt(BPF_RET | BPF_A, 0);
        // Written on the jt path only.
        assertCheck("classic BPF insn 3: reads scratch memory M[2] before any write",
            stmt(BPF_LD | BPF_W | BPF_LEN, 0), jump(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1), stmt(BPF_ST, 2),
            stmt(BPF_LDX | BPF_MEM, 2), ret);
        // Written on both paths.
        ClassicProgram.of(List.of(stmt(BPF_LD | BPF_W | BPF_LEN, 0), jump(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 2),
            stmt(BPF_ST, 2), stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_STX, 2), stmt(BPF_LD | BPF_MEM, 2), ret));
        // Like the kernel, straight-line flow carries on past a return into unreachable code.
        assertCheck("classic BPF insn 1: reads scratch memory M[0] before any write", ret, stmt(BPF_LD | BPF_MEM, 0), ret);
    }

    private static void assertCheck(String expected, ClassicInstruction... insns) {
        List<ClassicInstruction> list = new ArrayList<>(List.of(insns));
        CbpfFormatException e = assertThrows(CbpfFormatException.class, () -> ClassicProgram.of(list));
        assertEquals(expected, e.getMessage());
    }

    /** Random sock_filter arrays: refused with a CbpfFormatException, or accepted and then translated (or refused). */
    @Test
    void randomBytesAreCheckedTranslatedOrRefused() {
        java.util.Random r = new java.util.Random(5);
        Integer[] known = KERNEL_CODES.toArray(new Integer[0]);
        List<byte[]> packets = SyntheticTraffic.packets(40, 3);
        SubsetEbpfRunner runner = new SubsetEbpfRunner();
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[8 * (1 + r.nextInt(6))];
            r.nextBytes(bytes);
            for (int at = 0; at < bytes.length; at += 8) {
                if (r.nextInt(4) != 0) { // mostly known opcodes, small jumps and constants
                    bytes[at] = (byte) (int) known[r.nextInt(known.length)];
                    bytes[at + 1] = 0;
                    bytes[at + 2] = (byte) r.nextInt(3);
                    bytes[at + 3] = (byte) r.nextInt(3);
                    if (r.nextBoolean()) {
                        bytes[at + 5] = bytes[at + 6] = bytes[at + 7] = 0;
                    }
                }
            }
            bytes[bytes.length - 8] = 0x16; // usually end in ret a
            bytes[bytes.length - 7] = 0;
            try {
                ClassicProgram p = ClassicProgram.fromBytes(bytes);
                accepted++;
                io.ebpfjvm.core.isa.Program ebpf = ClassicTranslator.translate(p);
                for (byte[] packet : packets) {
                    assertEquals(ReferenceClassicVm.run(p, packet), runner.apply(ebpf, packet), p.toText());
                }
            } catch (CbpfFormatException e) {
                assertTrue(e.getMessage().startsWith("classic BPF"), e.getMessage());
            }
        }
        assertTrue(accepted > 1000, accepted + " accepted");
    }

    @Test
    void instructionFieldsAreRangeChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ClassicInstruction(0x10000, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassicInstruction(0x15, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassicInstruction(0x15, 0, -1, 0));
    }
}
