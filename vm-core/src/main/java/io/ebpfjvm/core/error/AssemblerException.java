package io.ebpfjvm.core.error;

/** Assembler text that cannot be turned into instructions; the message names the line. */
public class AssemblerException extends EbpfException {
    private final int line;

    public AssemblerException(int line, String what) {
        super("line " + line + ": " + what);
        this.line = line;
    }

    /** 1-based line number in the source text. */
    public int line() {
        return line;
    }
}
