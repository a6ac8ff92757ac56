package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects eBPF instructions with jumps to labels, and resolves the labels into 16-bit
 * relative offsets once every instruction is placed.
 */
final class EbpfEmitter {
    private final List<Instruction> out = new ArrayList<>();
    private final List<int[]> jumps = new ArrayList<>(); // {instruction index, label}
    private int[] labelAt = new int[16];
    private int labels;

    /** A fresh label; {@link #bind} places it. */
    int newLabel() {
        if (labels == labelAt.length) {
            labelAt = Arrays.copyOf(labelAt, labels * 2);
        }
        labelAt[labels] = -1;
        return labels++;
    }

    /** The label now marks the next instruction emitted. */
    void bind(int label) {
        labelAt[label] = out.size();
    }

    void emit(int opcode, int dst, int src, int offset, int imm) {
        out.add(Instruction.of(opcode, dst, src, offset, imm));
    }

    /** A jump (conditional or not) whose target is {@code label}. */
    void jump(int opcode, int dst, int src, int imm, int label) {
        jumps.add(new int[] {out.size(), label});
        emit(opcode, dst, src, 0, imm);
    }

    /** Resolves the jumps and validates the result as an eBPF program. */
    Program finish() {
        for (int[] j : jumps) {
            int at = j[0];
            int target = labelAt[j[1]];
            if (target < 0) {
                throw new IllegalStateException("label " + j[1] + " was never bound");
            }
            int rel = target - (at + 1);
            if (rel > Short.MAX_VALUE || rel < Short.MIN_VALUE) {
                throw new CbpfFormatException("classic BPF: translated jump spans " + rel
                    + " eBPF instructions, more than a 16-bit offset reaches");
            }
            Instruction i = out.get(at);
            out.set(at, Instruction.of(i.opcode(), i.dst(), i.src(), rel, i.imm()));
        }
        return Program.of(out);
    }
}
