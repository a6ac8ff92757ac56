package io.ebpfjvm.jit;

import io.ebpfjvm.core.error.EbpfException;

/** A program the JIT does not translate (it then runs in the interpreter unless the options are strict). */
public final class JitUnsupportedException extends EbpfException {
    public JitUnsupportedException(String message) {
        super(message);
    }

    public JitUnsupportedException(String message, Throwable cause) {
        super(message, cause);
    }
}
