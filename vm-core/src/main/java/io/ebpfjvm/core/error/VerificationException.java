package io.ebpfjvm.core.error;

/** The verifier rejected a program; carries the instruction index and the verifier log. */
public class VerificationException extends EbpfException {
    private final int instructionIndex;
    private final String log;

    public VerificationException(int instructionIndex, String message, String log) {
        super(instructionIndex >= 0 ? "insn " + instructionIndex + ": " + message : message);
        this.instructionIndex = instructionIndex;
        this.log = log == null ? "" : log;
    }

    public int instructionIndex() {
        return instructionIndex;
    }

    /** The verifier log up to the rejection, kernel style. */
    public String log() {
        return log;
    }
}
