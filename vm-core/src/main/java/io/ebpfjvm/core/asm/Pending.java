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

    /**
     * A jump or call whose target is {@code +N}/{@code -N} (filled in now) or a label
     * (resolved once all labels are known).
     */
    static Pending target(Instruction insn, String target, boolean inImm, Line line) {
        if (Numbers.parse(target) == null) {
            if (!target.matches("[A-Za-z_.$][\\w.$]*")) {
                throw line.error("expected a jump target (+N, -N or a label), got '" + target + "'");
            }
            return new Pending(insn, target, inImm, line);
        }
        Instruction resolved = inImm
            ? Instruction.of(insn.opcode(), insn.dst(), insn.src(), insn.offset(), Numbers.imm32(target, line))
            : Instruction.of(insn.opcode(), insn.dst(), insn.src(), Numbers.off16(target, line), insn.imm());
        return of(resolved, line);
    }
}
