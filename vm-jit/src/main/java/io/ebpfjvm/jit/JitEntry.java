package io.ebpfjvm.jit;

/** What a generated class offers its program: the entry function and the functions callbacks may enter. */
public interface JitEntry {
    /**
     * Runs the program's entry function in frame 0 with r1 and r2 set; returns r0.
     * {@code packet} is the array whose window the state's packet fields describe: compiled
     * code reads it from here, and maps it into the state's address space only if something
     * it calls reads that (so a self-contained program never stores the array on the heap).
     */
    long enter(JitState s, byte[] packet, long r1, long r2);

    /** Runs the function starting at instruction {@code pc} in call frame {@code frame}, as a bpf_loop callback. */
    long callback(JitState s, int pc, int frame, long r1, long r2);
}
