package io.ebpfjvm.cli;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.isa.Program;

/** Decoding program bytes with the source named in errors. */
final class Programs {
    private Programs() {
    }

    static Program decode(byte[] code, String where) {
        if (code.length == 0) {
            throw new EbpfException(where + ": no instructions, expected program bytes");
        }
        try {
            return InstructionDecoder.decode(code);
        } catch (EbpfException e) {
            throw new EbpfException(where + ": " + e.getMessage(), e);
        }
    }
}
