package io.ebpfjvm.core.isa;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * One 8-byte instruction slot, decoded. A wide load ({@code lddw}) takes two slots: the first
 * holds the low 32 bits of the constant in {@link #imm()}, the second is a slot with opcode 0
 * whose {@code imm} holds the high 32 bits. Keeping one record per slot means jump offsets and
 * instruction indices mean exactly what they mean in the kernel.
 *
 * @param opcode 8-bit opcode
 * @param dst    destination register, 0..15 as encoded (validated to 0..10 by the decoder)
 * @param src    source register or pseudo source, 0..15
 * @param offset signed 16-bit offset
 * @param imm    signed 32-bit immediate
 */
public record Instruction(int opcode, int dst, int src, short offset, int imm) {

    public Instruction {
        if ((opcode & ~0xff) != 0 || (dst & ~0xf) != 0 || (src & ~0xf) != 0) {
            throw new IllegalArgumentException("field out of range: opcode=" + opcode + " dst=" + dst + " src=" + src);
        }
    }

    public static Instruction of(int opcode, int dst, int src, int offset, int imm) {
        return new Instruction(opcode, dst, src, (short) offset, imm);
    }

    /** The two slots of a wide load of {@code value} into {@code dst} with pseudo source {@code src}. */
    public static Instruction[] lddw(int dst, int src, long value) {
        return new Instruction[] {
            of(LDDW, dst, src, 0, (int) value),
            of(0, 0, 0, 0, (int) (value >>> 32)),
        };
    }

    public int cls() {
        return Opcodes.cls(opcode);
    }

    public int op() {
        return Opcodes.op(opcode);
    }

    public boolean isLddw() {
        return opcode == LDDW;
    }

    public boolean isAlu() {
        return cls() == BPF_ALU || cls() == BPF_ALU64;
    }

    /** Conditional or unconditional jump (not call, not exit). */
    public boolean isJump() {
        int c = cls();
        if (c != BPF_JMP && c != BPF_JMP32) {
            return false;
        }
        int o = op();
        return o != BPF_CALL && o != BPF_EXIT;
    }

    public boolean isConditionalJump() {
        return isJump() && op() != BPF_JA;
    }

    public boolean isExit() {
        return opcode == EXIT;
    }

    public boolean isHelperCall() {
        return opcode == CALL && src == BPF_CALL_HELPER;
    }

    public boolean isLocalCall() {
        return opcode == CALL && src == BPF_PSEUDO_CALL;
    }

    /**
     * Slot index a jump at {@code pc} lands on: {@code pc + 1 + offset}, or
     * {@code pc + 1 + imm} for the 32-bit {@code gotol} (JMP32 | JA).
     */
    public int jumpTarget(int pc) {
        if (opcode == (BPF_JMP32 | BPF_JA)) {
            return pc + 1 + imm;
        }
        return pc + 1 + offset;
    }

    /** Slot index a local call ({@code call} with src 1) at {@code pc} enters. */
    public int callTarget(int pc) {
        return pc + 1 + imm;
    }

    /** The 64-bit constant of a wide load whose second slot is {@code next}. */
    public long wideImmediate(Instruction next) {
        return ((long) next.imm << 32) | (imm & 0xffffffffL);
    }
}
