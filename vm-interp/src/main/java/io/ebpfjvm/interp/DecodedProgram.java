package io.ebpfjvm.interp;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

/**
 * A program flattened into parallel arrays once, so the interpreter loop reads primitive
 * fields instead of chasing records. Wide loads keep their 64-bit constant in {@link #wide}.
 */
final class DecodedProgram {
    final int[] opcode;
    final int[] dst;
    final int[] src;
    final int[] offset;
    final int[] imm;
    final long[] wide;
    final int length;

    DecodedProgram(Program program) {
        length = program.size();
        opcode = new int[length];
        dst = new int[length];
        src = new int[length];
        offset = new int[length];
        imm = new int[length];
        wide = new long[length];
        for (int pc = 0; pc < length; pc++) {
            Instruction insn = program.get(pc);
            opcode[pc] = insn.opcode();
            dst[pc] = insn.dst();
            src[pc] = insn.src();
            offset[pc] = insn.offset();
            imm[pc] = insn.imm();
            if (insn.isLddw()) {
                wide[pc] = program.wideImmediate(pc);
            }
        }
    }
}
