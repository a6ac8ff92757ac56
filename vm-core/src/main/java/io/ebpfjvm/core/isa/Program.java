package io.ebpfjvm.core.isa;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable, validated sequence of instruction slots. Build one with
 * {@link InstructionDecoder#decode(byte[])} from bytes or {@link #of(List)} from instructions
 * (both validate); turn it back into bytes with {@link InstructionEncoder#encode(Program)}.
 */
public final class Program {
    /**
     * Most instruction slots a program may have: the kernel's limit for a privileged loader
     * (BPF_COMPLEXITY_LIMIT_INSNS; unprivileged ones get BPF_MAXINSNS, 4096), refused with E2BIG
     * before verification.
     */
    public static final int MAX_INSNS = 1_000_000;

    private final Instruction[] slots;

    private Program(Instruction[] slots) {
        this.slots = slots;
    }

    /** Validates {@code slots} and wraps them; throws {@code InvalidProgramException}. */
    public static Program of(List<Instruction> slots) {
        Instruction[] copy = slots.toArray(new Instruction[0]);
        ProgramValidator.validate(copy);
        return new Program(copy);
    }

    /** Wraps slots without validation; for tools that must show invalid programs too. */
    public static Program unchecked(List<Instruction> slots) {
        return new Program(slots.toArray(new Instruction[0]));
    }

    /** Number of 8-byte slots ({@code lddw} counts two). */
    public int size() {
        return slots.length;
    }

    public Instruction get(int index) {
        return slots[index];
    }

    /** The 64-bit constant of the {@code lddw} at {@code index}. */
    public long wideImmediate(int index) {
        return slots[index].wideImmediate(slots[index + 1]);
    }

    public List<Instruction> slots() {
        return List.of(slots);
    }

    public byte[] toBytes() {
        return InstructionEncoder.encode(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Program p && Arrays.equals(slots, p.slots);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(slots);
    }

    @Override
    public String toString() {
        return "Program[" + slots.length + " slots]";
    }
}
