package io.ebpfjvm.core.isa;

import java.util.List;

/** Instructions to their little-endian 8-byte encoding (RFC 9669 section 3). */
public final class InstructionEncoder {
    private InstructionEncoder() {
    }

    public static byte[] encode(Program program) {
        return encode(program.slots());
    }

    public static byte[] encode(List<Instruction> slots) {
        byte[] out = new byte[slots.size() * 8];
        for (int i = 0; i < slots.size(); i++) {
            encode(slots.get(i), out, i * 8);
        }
        return out;
    }

    public static void encode(Instruction insn, byte[] out, int at) {
        out[at] = (byte) insn.opcode();
        out[at + 1] = (byte) ((insn.src() << 4) | insn.dst());
        out[at + 2] = (byte) insn.offset();
        out[at + 3] = (byte) (insn.offset() >> 8);
        int imm = insn.imm();
        out[at + 4] = (byte) imm;
        out[at + 5] = (byte) (imm >> 8);
        out[at + 6] = (byte) (imm >> 16);
        out[at + 7] = (byte) (imm >> 24);
    }
}
