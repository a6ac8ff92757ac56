package io.ebpfjvm.interp;

import io.ebpfjvm.core.isa.InstructionEncoder;
import io.ebpfjvm.core.isa.Program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A program as one {@code long} per instruction slot, laid out as the instruction's own
 * little-endian encoding (opcode in bits 0-7, dst 8-11, src 12-15, offset 16-31, imm 32-63),
 * so the interpreter loop fetches an instruction with one array load and takes its fields
 * apart with shifts. Wide loads keep their 64-bit constant in {@link #wide}.
 *
 * <p>{@link #code} has one slot more than the program: a zero word. Opcode 0 is otherwise
 * only the second slot of a wide load, which no run executes (the validator keeps every jump
 * off it and inside the program), so only a run falling off the end reaches it and the loop
 * needs no end check of its own.
 */
final class DecodedProgram {
    /** The zero sentinel after the last instruction. */
    static final int FELL_OFF = 0;

    final long[] code;
    final long[] wide;
    final int length;

    DecodedProgram(Program program) {
        length = program.size();
        code = new long[length + 1];
        wide = new long[length];
        // The encoder's bytes, eight at a time: the words are the instructions' encoding by construction.
        ByteBuffer bytes = ByteBuffer.wrap(InstructionEncoder.encode(program)).order(ByteOrder.LITTLE_ENDIAN);
        for (int pc = 0; pc < length; pc++) {
            code[pc] = bytes.getLong(pc * 8);
            if (program.get(pc).isLddw()) {
                wide[pc] = program.wideImmediate(pc);
            }
        }
    }

    static int opcode(long insn) {
        return (int) insn & 0xff;
    }

    static int dst(long insn) {
        return (int) insn >>> 8 & 0xf;
    }

    static int src(long insn) {
        return (int) insn >>> 12 & 0xf;
    }

    static int offset(long insn) {
        return (short) (insn >>> 16);
    }

    static int imm(long insn) {
        return (int) (insn >>> 32);
    }
}
