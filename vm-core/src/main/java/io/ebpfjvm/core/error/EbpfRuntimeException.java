package io.ebpfjvm.core.error;

/**
 * A run stopped: a bad memory access, an exhausted step limit, a helper failure, too deep a
 * call chain. Names the instruction where it happened.
 */
public class EbpfRuntimeException extends EbpfException {
    private final int instructionIndex;

    public EbpfRuntimeException(int instructionIndex, String what) {
        super("insn " + instructionIndex + ": " + what);
        this.instructionIndex = instructionIndex;
    }

    public EbpfRuntimeException(int instructionIndex, String what, Throwable cause) {
        super("insn " + instructionIndex + ": " + what, cause);
        this.instructionIndex = instructionIndex;
    }

    /** Slot index of the instruction that was executing. */
    public int instructionIndex() {
        return instructionIndex;
    }
}
