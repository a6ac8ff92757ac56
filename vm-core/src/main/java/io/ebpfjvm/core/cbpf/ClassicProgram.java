package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic BPF filter ({@code struct sock_filter[]}), accepted only if the kernel's
 * {@code bpf_check_classic} would accept it: 1..4096 instructions, known opcodes, forward
 * jumps inside the program, a return at the end, no division by a constant 0, no constant
 * shift of 32 or more, scratch-memory indexes below 16, no read of a scratch word before a
 * write on some path. Every error is a {@link CbpfFormatException} naming the instruction
 * index ({@code classic BPF insn 3: ...}) or the text line. Immutable.
 */
public final class ClassicProgram {
    /** Bytes of one {@code struct sock_filter}. */
    public static final int INSTRUCTION_SIZE = 8;

    private final List<ClassicInstruction> instructions;

    private ClassicProgram(List<ClassicInstruction> instructions) {
        this.instructions = List.copyOf(instructions);
        ClassicChecker.check(this.instructions);
    }

    /** Checks and wraps {@code instructions}. */
    public static ClassicProgram of(List<ClassicInstruction> instructions) {
        return new ClassicProgram(instructions);
    }

    /**
     * A {@code struct sock_filter} array as the kernel receives it: 8 bytes per instruction,
     * {@code u16 code, u8 jt, u8 jf, u32 k} in host (little-endian) byte order.
     */
    public static ClassicProgram fromBytes(byte[] data) {
        if (data.length % INSTRUCTION_SIZE != 0) {
            throw new CbpfFormatException("classic BPF: " + data.length + " bytes is not a whole number of "
                + INSTRUCTION_SIZE + "-byte instructions");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<ClassicInstruction> out = new ArrayList<>(data.length / INSTRUCTION_SIZE);
        for (int at = 0; at < data.length; at += INSTRUCTION_SIZE) {
            out.add(new ClassicInstruction(b.getShort(at) & 0xffff, data[at + 2] & 0xff, data[at + 3] & 0xff,
                b.getInt(at + 4)));
        }
        return new ClassicProgram(out);
    }

    /**
     * The text {@code tcpdump -dd EXPR} prints ({@code { 0x28, 0, 0, 0x0000000c },} per line)
     * or {@code tcpdump -ddd EXPR} prints (a count, then {@code code jt jf k} in decimal).
     */
    public static ClassicProgram fromText(String text) {
        return new ClassicProgram(ClassicText.parse(text));
    }

    /** The instructions, in order (an immutable list). */
    public List<ClassicInstruction> instructions() {
        return instructions;
    }

    /** Instruction {@code index}. */
    public ClassicInstruction get(int index) {
        return instructions.get(index);
    }

    /** Number of instructions. */
    public int size() {
        return instructions.size();
    }

    /** The {@code struct sock_filter} array, little-endian ({@link #fromBytes} reads it back). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(instructions.size() * INSTRUCTION_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (ClassicInstruction i : instructions) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    /** The filter in {@code tcpdump -dd} form, one instruction per line ({@link #fromText} reads it back). */
    public String toText() {
        StringBuilder s = new StringBuilder();
        for (ClassicInstruction i : instructions) {
            s.append(i).append(",\n");
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassicProgram p && instructions.equals(p.instructions);
    }

    @Override
    public int hashCode() {
        return instructions.hashCode();
    }

    @Override
    public String toString() {
        return "ClassicProgram[" + instructions.size() + " instructions]";
    }
}
