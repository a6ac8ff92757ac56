package io.ebpfjvm.core.error;

/**
 * A program's bytes do not form a valid instruction sequence: unknown opcode, bad register,
 * incomplete {@code lddw}, a jump out of range, a write to the read-only frame pointer.
 */
public class InvalidProgramException extends EbpfException {
    private final int instructionIndex;

    public InvalidProgramException(int instructionIndex, String what) {
        super(instructionIndex >= 0 ? "insn " + instructionIndex + ": " + what : what);
        this.instructionIndex = instructionIndex;
    }

    /** The slot index (8-byte unit) of the offending instruction, or -1 for the whole program. */
    public int instructionIndex() {
        return instructionIndex;
    }
}
