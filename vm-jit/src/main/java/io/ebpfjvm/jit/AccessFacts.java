package io.ebpfjvm.jit;

import io.ebpfjvm.verifier.MemoryAccess;

/**
 * What a verifier proved about the memory instructions of a program: for the load, store or
 * atomic at {@code pc}, the region it touches. The JIT turns a proven access into a direct
 * array access; {@code null} or {@link io.ebpfjvm.verifier.RegionKind#ANY} keeps the checked,
 * tag-decoding path. A verifier's {@code VerifiedProgram::access} fits this interface.
 */
@FunctionalInterface
public interface AccessFacts {
    /** The proven access of the memory instruction at {@code pc}, or null when nothing is known. */
    MemoryAccess access(int pc);

    /** No facts: every access decodes its pointer and is bounds-checked, as in the interpreter. */
    static AccessFacts none() {
        return pc -> null;
    }
}
