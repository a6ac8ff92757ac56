package io.ebpfjvm.verifier;

/** Internal: the verifier rejects the program at {@code pc} with a kernel-worded message. */
final class Reject extends RuntimeException {
    final int pc;

    Reject(int pc, String message) {
        super(message, null, false, false);
        this.pc = pc;
    }
}
