package io.ebpfjvm.cli;

import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.verifier.GlobalFunctions;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;

/** Verifies a program of a loaded object the same way for every command that compiles it. */
final class ObjectVerification {
    private ObjectVerification() {
    }

    /**
     * The verifier's result for {@code spec}; a rejection is a {@code VerificationException}
     * (one line, exit 1). The object's maps and BTF give the verifier key/value sizes and
     * global-function prototypes.
     */
    static VerifiedProgram verify(ProgramSpec spec, ProgramType type, BpfObject object, byte[] objectBytes) {
        return Verifier.verify(spec, type, null, VerifierOptions.defaults().withObject(object)
            .withGlobalFunctions(GlobalFunctions.of(objectBytes)));
    }
}
