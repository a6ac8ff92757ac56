package io.ebpfjvm.core.isa;

import io.ebpfjvm.core.error.InvalidProgramException;

import java.util.ArrayList;
import java.util.List;

/** Little-endian bytes to instruction slots. The one decoder everyone uses. */
public final class InstructionDecoder {
    private InstructionDecoder() {
    }

    /** Decodes and validates a whole program. */
    public static Program decode(byte[] code) {
        return Program.of(decodeSlots(code, 0, code.length));
    }

    /** Decodes without validation (for disassembling possibly invalid code). */
    public static List<Instruction> decodeSlots(byte[] code, int offset, int length) {
        if (length % 8 != 0) {
            throw new InvalidProgramException(length / 8,
                "program length " + length + " is not a multiple of 8 bytes");
        }
        List<Instruction> slots = new ArrayList<>(length / 8);
        for (int at = offset; at < offset + length; at += 8) {
            slots.add(decode(code, at));
        }
        return slots;
    }

    public static Instruction decode(byte[] code, int at) {
        int opcode = code[at] & 0xff;
        int regs = code[at + 1] & 0xff;
        short off = (short) ((code[at + 2] & 0xff) | (code[at + 3] << 8));
        int imm = (code[at + 4] & 0xff) | (code[at + 5] & 0xff) << 8 | (code[at + 6] & 0xff) << 16
            | (code[at + 7] & 0xff) << 24;
        return new Instruction(opcode, regs & 0xf, regs >>> 4, off, imm);
    }
}
