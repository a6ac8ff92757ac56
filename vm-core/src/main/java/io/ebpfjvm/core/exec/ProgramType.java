package io.ebpfjvm.core.exec;

/** What a program's r1 points at when it starts, and what its return value means. */
public enum ProgramType {
    /**
     * r1 points at a caller-supplied byte buffer (read-write), r2 holds its length; the
     * return value is whatever r0 holds. This is the bpf_conformance suite's convention.
     * The buffer is also the packet that {@code LD_ABS}/{@code LD_IND} read.
     */
    RAW_MEMORY
}
