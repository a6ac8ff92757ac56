package io.ebpfjvm.verifier;

/** Internal: the verifier rejects the program at {@code pc} with a kernel-worded message. */
final class Reject extends RuntimeException {
    final int pc;
    /** Log lines the kernel prints after the message (the states of an infinite loop). */
    final String trailer;

    Reject(int pc, String message) {
        this(pc, message, "");
    }

    Reject(int pc, String message, String trailer) {
        super(message, null, false, false);
        this.pc = pc;
        this.trailer = trailer;
    }
}
