package io.ebpfjvm.core.testing.fuzz;

import io.ebpfjvm.core.isa.Instruction;

import java.util.ArrayList;
import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;

/** Instructions with symbolic jump and call targets, resolved into offsets by {@link #build}. */
final class CodeBuffer {
    private record Slot(Instruction insn, Label target) {
    }

    /** A position in the code, placed once. */
    static final class Label {
        int at = -1;
    }

    private final List<Slot> slots = new ArrayList<>();

    int size() {
        return slots.size();
    }

    void emit(Instruction insn) {
        slots.add(new Slot(insn, null));
    }

    void emit(int opcode, int dst, int src, int offset, int imm) {
        emit(Instruction.of(opcode, dst, src, offset, imm));
    }

    void wide(int dst, int src, long value) {
        for (Instruction i : Instruction.lddw(dst, src, value)) {
            emit(i);
        }
    }

    /** A jump (or {@code BPF_PSEUDO_CALL}) whose offset or imm is filled in from the label. */
    void jump(int opcode, int dst, int src, int imm, Label target) {
        slots.add(new Slot(Instruction.of(opcode, dst, src, 0, imm), target));
    }

    /** {@code lddw dst, BPF_PSEUDO_FUNC, target}: the imm of the first slot is the offset to the function. */
    void funcRef(int dst, Label target) {
        Instruction[] pair = Instruction.lddw(dst, BPF_PSEUDO_FUNC, 0);
        slots.add(new Slot(pair[0], target));
        slots.add(new Slot(pair[1], null));
    }

    void place(Label label) {
        if (label.at >= 0) {
            throw new IllegalStateException("label placed twice");
        }
        label.at = slots.size();
    }

    List<Instruction> build() {
        List<Instruction> out = new ArrayList<>(slots.size());
        for (int pc = 0; pc < slots.size(); pc++) {
            Slot s = slots.get(pc);
            Instruction i = s.insn();
            if (s.target() != null) {
                if (s.target().at < 0) {
                    throw new IllegalStateException("label never placed");
                }
                int delta = s.target().at - pc - 1;
                i = i.opcode() == (BPF_JMP | BPF_CALL) || i.isLddw()
                    ? Instruction.of(i.opcode(), i.dst(), i.src(), 0, delta)
                    : Instruction.of(i.opcode(), i.dst(), i.src(), delta, i.imm());
            }
            out.add(i);
        }
        return out;
    }
}
