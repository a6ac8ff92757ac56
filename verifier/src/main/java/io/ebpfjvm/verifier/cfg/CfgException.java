package io.ebpfjvm.verifier.cfg;

/** A structural problem the kernel finds before abstract interpretation (its check_cfg pass). */
public final class CfgException extends RuntimeException {
    private final int pc;

    public CfgException(int pc, String message) {
        super(message, null, false, false);
        this.pc = pc;
    }

    public int pc() {
        return pc;
    }
}
