package io.ebpfjvm.cli;

/** The CLI's exit codes. */
final class ExitCodes {
    private ExitCodes() {
    }

    static final int OK = 0;
    /** The program failed at run time or was rejected by the verifier. */
    static final int PROGRAM_FAILED = 1;
    /** Bad usage or unreadable/malformed input. */
    static final int BAD_INPUT = 2;
}
