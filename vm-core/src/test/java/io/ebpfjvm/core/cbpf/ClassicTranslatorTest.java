package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ebpfjvm.core.cbpf.ClassicInstruction.jump;
import static io.ebpfjvm.core.cbpf.ClassicInstruction.stmt;
import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;

/** The shape of the translation (what bpf_convert_filter emits) and what it refuses. */
class ClassicTranslatorTest {
    private static final int RET_A = ClassicOpcodes.BPF_RET | ClassicOpcodes.BPF_A;

    static Program translate(ClassicInstruction... insns) {
        return ClassicTranslator.translate(ClassicProgram.of(List.of(insns)));
    }

    /** The slots after the 4-instruction prologue. */
    static List<Instruction> body(Program p) {
        return p.slots().subList(4, p.size());
    }

    static Instruction insn(int opcode, int dst, int src, int off, int imm) {
        return Instruction.of(opcode, dst, src, off, imm);
    }

    @Test
    void everyTcpdumpFilterBecomesAValidProgram() {
        List<FilterCorpus.Filter> filters = FilterCorpus.tcpdump();
        assertEquals(20, filters.size());
        for (FilterCorpus.Filter f : filters) {
            Program p = ClassicTranslator.translate(f.program()); // Program.of inside validates it
            assertEquals(p, Program.of(p.slots()), f.name());
            assertTrue(p.size() >= f.program().size() + 4, f.name());
        }
        for (FilterCorpus.Filter f : FilterCorpus.handWritten()) {
            ClassicTranslator.translate(f.program());
        }
    }

    @Test
    void everyTcpdumpFilterMatchesSomeTrafficButNotAll() {
        List<byte[]> packets = SyntheticTraffic.packets(ClassicDifferential.PACKETS, 42);
        for (FilterCorpus.Filter f : FilterCorpus.tcpdump()) {
            long matches = packets.stream().filter(p -> ReferenceClassicVm.run(f.program(), p) != 0).count();
            assertTrue(matches >= 5 && matches <= packets.size() - 5, f.name() + ": " + matches + " matches");
        }
    }

    @Test
    void prologueSavesContextAndLengthAndClearsAAndX() {
        Program p = translate(stmt(ClassicOpcodes.BPF_RET | ClassicOpcodes.BPF_K, 7));
        assertEquals(List.of(
            insn(BPF_ALU | BPF_XOR | BPF_X, 0, 0, 0, 0),
            insn(BPF_ALU | BPF_XOR | BPF_X, 7, 7, 0, 0),
            insn(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
            insn(BPF_ALU64 | BPF_MOV | BPF_X, 9, 2, 0, 0),
            insn(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 7),
            insn(EXIT, 0, 0, 0, 0)), p.slots());
    }

    @Test
    void loadsStoresAndLength() {
        Program p = translate(
            stmt(ClassicOpcodes.BPF_LD | ClassicOpcodes.BPF_ABS | ClassicOpcodes.BPF_H, 12),
            stmt(ClassicOpcodes.BPF_LD | ClassicOpcodes.BPF_IND | ClassicOpcodes.BPF_B, 14),
            stmt(ClassicOpcodes.BPF_ST, 3),
            stmt(ClassicOpcodes.BPF_LDX | ClassicOpcodes.BPF_W | ClassicOpcodes.BPF_LEN, 0),
            stmt(ClassicOpcodes.BPF_LDX | ClassicOpcodes.BPF_MEM, 3),
            stmt(RET_A, 0));
        assertEquals(List.of(
            insn(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, 12),
            insn(BPF_LD | BPF_IND | BPF_B, 0, 7, 0, 14),
            insn(BPF_STX | BPF_MEM | BPF_W, 10, 0, -52, 0),
            insn(BPF_ALU | BPF_MOV | BPF_X, 7, 9, 0, 0),
            insn(BPF_LDX | BPF_MEM | BPF_W, 7, 10, -52, 0),
            insn(EXIT, 0, 0, 0, 0)), body(p));
    }

    @Test
    void mshExpandsAsTheKernelDoes() {
        Program p = translate(stmt(ClassicOpcodes.BPF_LDX | ClassicOpcodes.BPF_B | ClassicOpcodes.BPF_MSH, 14), stmt(RET_A, 0));
        assertEquals(List.of(
            insn(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),    // X = A (X is callee-saved)
            insn(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 14),      // A = P[14]
            insn(BPF_ALU | BPF_AND | BPF_K, 0, 0, 0, 0xf),
            insn(BPF_ALU | BPF_LSH | BPF_K, 0, 0, 0, 2),
            insn(BPF_ALU64 | BPF_MOV | BPF_X, 2, 7, 0, 0),    // tmp = X
            insn(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),    // X = A
            insn(BPF_ALU64 | BPF_MOV | BPF_X, 0, 2, 0, 0),    // A = tmp
            insn(EXIT, 0, 0, 0, 0)), body(p));
    }

    @Test
    void divisionByXReturnsZeroFirst() {
        Program p = translate(stmt(ClassicOpcodes.BPF_ALU | ClassicOpcodes.BPF_MOD | ClassicOpcodes.BPF_X, 0), stmt(RET_A, 0));
        assertEquals(List.of(
            insn(BPF_JMP | BPF_JNE | BPF_K, 7, 0, 2, 0),
            insn(BPF_ALU | BPF_XOR | BPF_X, 0, 0, 0, 0),
            insn(EXIT, 0, 0, 0, 0),
            insn(BPF_ALU | BPF_MOD | BPF_X, 0, 7, 0, 0),
            insn(EXIT, 0, 0, 0, 0)), body(p));
    }

    @Test
    void jumpShapes() {
        ClassicInstruction ret = stmt(RET_A, 0);
        int jeqK = ClassicOpcodes.BPF_JMP | ClassicOpcodes.BPF_JEQ | ClassicOpcodes.BPF_K;
        // jf = 0: one conditional jump to jt.
        assertEquals(insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1, 0x800),
            body(translate(jump(jeqK, 0x800, 1, 0), ret, ret)).get(0));
        // jt = 0: the inverted condition to jf.
        assertEquals(insn(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 1, 0x800),
            body(translate(jump(jeqK, 0x800, 0, 1), ret, ret)).get(0));
        assertEquals(insn(BPF_JMP | BPF_JLT | BPF_X, 0, 7, 1, 0),
            body(translate(jump(ClassicOpcodes.BPF_JMP | ClassicOpcodes.BPF_JGE | ClassicOpcodes.BPF_X, 0, 0, 1), ret, ret)).get(0));
        // jset cannot be inverted: jset to jt, then goto jf.
        assertEquals(List.of(insn(BPF_JMP | BPF_JSET | BPF_K, 0, 0, 1, 4), insn(BPF_JMP | BPF_JA, 0, 0, 1, 0)),
            body(translate(jump(ClassicOpcodes.BPF_JMP | ClassicOpcodes.BPF_JSET | ClassicOpcodes.BPF_K, 4, 0, 1), ret, ret))
                .subList(0, 2));
        // A negative k is compared as a 32-bit value through w2.
        assertEquals(List.of(insn(BPF_ALU | BPF_MOV | BPF_K, 2, 0, 0, -1), insn(BPF_JMP | BPF_JEQ | BPF_X, 0, 2, 1, 0)),
            body(translate(jump(jeqK, -1, 1, 0), ret, ret)).subList(0, 2));
    }

    @Test
    void unsupportedSpecialLoadsNameTheInstruction() {
        ClassicInstruction ret = stmt(RET_A, 0);
        int ldw = ClassicOpcodes.BPF_LD | ClassicOpcodes.BPF_ABS | ClassicOpcodes.BPF_W;
        CbpfFormatException e = assertThrows(CbpfFormatException.class,
            () -> translate(ret, stmt(ldw, ClassicOpcodes.SKF_AD_OFF + ClassicOpcodes.SKF_AD_MARK), ret));
        assertEquals("classic BPF insn 1: ancillary load SKF_AD_MARK needs socket metadata a captured frame does not "
            + "carry: not supported (translated: PROTOCOL, PKTTYPE, IFINDEX, ALU_XOR_X)", e.getMessage());
        for (int field : new int[] {12, 16, 20, 24, 28, 32, 36, 44, 48, 52, 56, 60}) {
            e = assertThrows(CbpfFormatException.class, () -> translate(stmt(ldw, ClassicOpcodes.SKF_AD_OFF + field), ret));
            assertTrue(e.getMessage().startsWith("classic BPF insn 0: ancillary load SKF_AD_"), e.getMessage());
        }
        e = assertThrows(CbpfFormatException.class, () -> translate(stmt(ldw, ClassicOpcodes.SKF_AD_OFF + 64), ret));
        assertEquals("classic BPF insn 0: load at SKF_AD_OFF+64 is no ancillary field the kernel knows: not supported",
            e.getMessage());
        e = assertThrows(CbpfFormatException.class, () -> translate(stmt(ldw, ClassicOpcodes.SKF_NET_OFF + 9), ret));
        assertTrue(e.getMessage().startsWith("classic BPF insn 0: load at SKF_NET_OFF+9 is relative to the network header"),
            e.getMessage());
    }

    @Test
    void tooLongATranslatedJumpIsAnError() {
        // Each PKTTYPE load becomes 17 eBPF instructions: 4000 of them put the jump's target beyond 32767.
        List<ClassicInstruction> insns = new ArrayList<>();
        insns.add(stmt(ClassicOpcodes.BPF_JMP | ClassicOpcodes.BPF_JA, 4000));
        for (int i = 0; i < 4000; i++) {
            insns.add(stmt(ClassicOpcodes.BPF_LD | ClassicOpcodes.BPF_ABS | ClassicOpcodes.BPF_B,
                ClassicOpcodes.SKF_AD_OFF + ClassicOpcodes.SKF_AD_PKTTYPE));
        }
        insns.add(stmt(RET_A, 0));
        CbpfFormatException e = assertThrows(CbpfFormatException.class,
            () -> ClassicTranslator.translate(ClassicProgram.of(insns)));
        assertTrue(e.getMessage().startsWith("classic BPF: translated jump spans "), e.getMessage());
    }
}
