package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

import java.util.ArrayList;
import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Classic BPF to eBPF, as the kernel converts a socket filter, for a program that starts with
 * r1 = packet and r2 = packet length (the raw-memory convention):
 *
 * <table>
 *   <caption>Register and memory mapping</caption>
 *   <tr><th>classic</th><th>eBPF</th></tr>
 *   <tr><td>A</td><td>w0 (32-bit, zero-extended)</td></tr>
 *   <tr><td>X</td><td>w7</td></tr>
 *   <tr><td>M[k]</td><td>{@code *(u32 *)(r10 - 64 + 4k)}</td></tr>
 *   <tr><td>packet length ({@code len})</td><td>w8, saved from r2 at entry</td></tr>
 *   <tr><td>P[k], P[X+k]</td><td>{@code LD_ABS}/{@code LD_IND} (big-endian; out of range returns 0)</td></tr>
 *   <tr><td>{@code ldx 4*([k]&0xf)}</td><td>LD_ABS into r0 via r9, masked and shifted into w7</td></tr>
 *   <tr><td>{@code div}/{@code mod} by X</td><td>return 0 when X is 0, then the 32-bit operation</td></tr>
 *   <tr><td>jt/jf</td><td>a JMP32 conditional to jt, then {@code goto} jf unless jf is the next instruction</td></tr>
 * </table>
 *
 * Loads from negative offsets (the kernel's ancillary data, {@code SKF_AD_OFF + n}, and the
 * link/network-relative offsets) need socket metadata this conversion does not have: they are
 * refused with an error naming the instruction.
 */
public final class ClassicTranslator {
    private ClassicTranslator() {
    }

    private static final int A = 0;
    private static final int X = 7;
    private static final int LEN = 8;
    private static final int TMP = 9;
    private static final int CTX = 6;

    /** A jump whose target is a classic instruction index, patched once all are placed. */
    private record Fixup(int ebpfPc, int classicTarget) {
    }

    public static Program translate(ClassicProgram filter) {
        List<ClassicInstruction> in = filter.instructions();
        List<Instruction> out = new ArrayList<>();
        List<Fixup> fixups = new ArrayList<>();
        int[] start = new int[in.size()];
        emit(out, BPF_ALU64 | BPF_MOV | BPF_X, CTX, 1, 0, 0);
        emit(out, BPF_ALU | BPF_MOV | BPF_X, LEN, 2, 0, 0);
        emit(out, BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, 0);
        emit(out, BPF_ALU | BPF_MOV | BPF_K, X, 0, 0, 0);
        // Shared "return 0" for division by a zero X.
        int returnZero = -1;
        List<Integer> returnZeroUses = new ArrayList<>();
        for (int pc = 0; pc < in.size(); pc++) {
            start[pc] = out.size();
            ClassicInstruction insn = in.get(pc);
            int code = insn.code();
            int k = insn.k();
            switch (insn.cls()) {
                case ClassicInstruction.LD -> load(out, pc, insn, A);
                case ClassicInstruction.LDX -> load(out, pc, insn, X);
                case ClassicInstruction.ST -> emit(out, BPF_STX | BPF_MEM | BPF_W, R10, A, scratch(k), 0);
                case ClassicInstruction.STX -> emit(out, BPF_STX | BPF_MEM | BPF_W, R10, X, scratch(k), 0);
                case ClassicInstruction.ALU -> {
                    int op = code & 0xf0;
                    boolean byX = (code & ClassicInstruction.X) != 0;
                    if (op == BPF_NEG) {
                        emit(out, BPF_ALU | BPF_NEG, A, 0, 0, 0);
                    } else if (byX) {
                        if (op == BPF_DIV || op == BPF_MOD) {
                            returnZeroUses.add(out.size());
                            emit(out, BPF_JMP32 | BPF_JEQ | BPF_K, X, 0, 0, 0);
                        }
                        emit(out, BPF_ALU | op | BPF_X, A, X, 0, 0);
                    } else {
                        emit(out, BPF_ALU | op | BPF_K, A, 0, 0, k);
                    }
                }
                case ClassicInstruction.JMP -> {
                    int op = code & 0xf0;
                    if (op == BPF_JA) {
                        fixups.add(new Fixup(out.size(), pc + 1 + k));
                        emit(out, BPF_JMP | BPF_JA, 0, 0, 0, 0);
                    } else {
                        boolean byX = (code & ClassicInstruction.X) != 0;
                        fixups.add(new Fixup(out.size(), pc + 1 + insn.jt()));
                        emit(out, BPF_JMP32 | op | (byX ? BPF_X : BPF_K), A, byX ? X : 0, 0, byX ? 0 : k);
                        if (insn.jf() != 0) {
                            fixups.add(new Fixup(out.size(), pc + 1 + insn.jf()));
                            emit(out, BPF_JMP | BPF_JA, 0, 0, 0, 0);
                        }
                    }
                }
                case ClassicInstruction.RET -> {
                    if ((code & 0x18) == ClassicInstruction.K) {
                        emit(out, BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, k);
                    }
                    emit(out, EXIT, 0, 0, 0, 0);
                }
                default -> {
                    if ((code & 0xf8) == ClassicInstruction.TXA) {
                        emit(out, BPF_ALU | BPF_MOV | BPF_X, A, X, 0, 0);
                    } else {
                        emit(out, BPF_ALU | BPF_MOV | BPF_X, X, A, 0, 0);
                    }
                }
            }
        }
        if (!returnZeroUses.isEmpty()) {
            returnZero = out.size();
            emit(out, BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, 0);
            emit(out, EXIT, 0, 0, 0, 0);
            for (int at : returnZeroUses) {
                Instruction j = out.get(at);
                out.set(at, Instruction.of(j.opcode(), j.dst(), j.src(), returnZero - (at + 1), j.imm()));
            }
        }
        for (Fixup f : fixups) {
            Instruction j = out.get(f.ebpfPc());
            int rel = start[f.classicTarget()] - (f.ebpfPc() + 1);
            if (rel > Short.MAX_VALUE) {
                throw new CbpfFormatException("classic BPF: translated jump too long (" + rel + " instructions)");
            }
            out.set(f.ebpfPc(), Instruction.of(j.opcode(), j.dst(), j.src(), rel, j.imm()));
        }
        return Program.of(out);
    }

    private static void load(List<Instruction> out, int pc, ClassicInstruction insn, int dst) {
        int code = insn.code();
        int k = insn.k();
        int size = code & 0x18;
        switch (code & 0xe0) {
            case ClassicInstruction.IMM -> emit(out, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, k);
            case ClassicInstruction.MEM -> emit(out, BPF_LDX | BPF_MEM | BPF_W, dst, R10, scratch(k), 0);
            case ClassicInstruction.LEN -> emit(out, BPF_ALU | BPF_MOV | BPF_X, dst, LEN, 0, 0);
            case ClassicInstruction.ABS -> {
                refuseNegative(pc, k);
                emit(out, BPF_LD | BPF_ABS | size, 0, 0, 0, k);
            }
            case ClassicInstruction.IND -> {
                refuseNegative(pc, k);
                emit(out, BPF_LD | BPF_IND | size, 0, X, 0, k);
            }
            default -> { // MSH: X = 4 * (P[k] & 0xf), keeping A
                refuseNegative(pc, k);
                emit(out, BPF_ALU64 | BPF_MOV | BPF_X, TMP, A, 0, 0);
                emit(out, BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, k);
                emit(out, BPF_ALU | BPF_AND | BPF_K, A, 0, 0, 0xf);
                emit(out, BPF_ALU | BPF_LSH | BPF_K, A, 0, 0, 2);
                emit(out, BPF_ALU | BPF_MOV | BPF_X, X, A, 0, 0);
                emit(out, BPF_ALU64 | BPF_MOV | BPF_X, A, TMP, 0, 0);
            }
        }
    }

    private static void refuseNegative(int pc, int k) {
        if (k < 0) {
            throw new CbpfFormatException("classic BPF insn " + pc + ": load from offset " + k
                + " (ancillary data or a link/network-relative offset) needs socket metadata: not supported");
        }
    }

    private static int scratch(int k) {
        return -64 + 4 * k;
    }

    private static void emit(List<Instruction> out, int opcode, int dst, int src, int off, int imm) {
        out.add(Instruction.of(opcode, dst, src, off, imm));
    }
}
