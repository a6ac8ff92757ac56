package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;

/**
 * An instruction whose jump or call target may still be a label. {@code label} is null once
 * resolved; {@code inImm} says the target goes into imm (gotol, local call) not offset.
 */
record Pending(Instruction insn, String label, boolean inImm, Line line) {
    static Pending of(Instruction insn, Line line) {
        return new Pending(insn, null, false, line);
    }
}
