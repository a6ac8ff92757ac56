package io.ebpfjvm.core.exec;

import java.nio.ByteBuffer;

/**
 * A program ready to run in one engine. Thread-safe: any number of threads may run it at
 * once; each run returns r0. Runs allocate nothing in steady state.
 *
 * <p>For {@link ProgramType#RAW_MEMORY} the memory passed is what r1 points at (read-write,
 * not copied) and r2 holds its length. For the types whose context is not a packet
 * ({@link ProgramType#KPROBE}, {@link ProgramType#TRACEPOINT}, {@link ProgramType#CGROUP_SOCK}
 * and its attach variants) the memory passed is the context structure itself (r1 points at
 * it, not copied; stores the type allows land in it), checked by the type's access rules.
 */
public interface ExecutableProgram {

    /** Runs over {@code memory[offset .. offset+length)} (the packet, for packet program types). */
    default long run(byte[] memory, int offset, int length) {
        return run(memory, offset, length, null);
    }

    /**
     * Runs over a packet with the context fields the caller supplies (ifindex, mark, ...;
     * null for defaults). Ignored for {@link ProgramType#RAW_MEMORY}.
     */
    long run(byte[] packet, int offset, int length, io.ebpfjvm.core.context.PacketMetadata metadata);

    /**
     * Runs over a packet and reports what became of it in {@code result}: the packet after
     * {@code bpf_xdp_adjust_head}/{@code _meta}/{@code _tail} and the redirect target. The
     * default, for engines that do not track packets, runs as {@link #run(byte[], int, int,
     * io.ebpfjvm.core.context.PacketMetadata)} and reports the packet unmoved with no redirect.
     */
    default long run(byte[] packet, int offset, int length, io.ebpfjvm.core.context.PacketMetadata metadata,
                     RunResult result) {
        long r0 = run(packet, offset, length, metadata);
        result.unchanged(packet, offset, length);
        return r0;
    }

    /** Runs over the whole array. */
    default long run(byte[] memory) {
        return run(memory, 0, memory.length);
    }

    /**
     * Runs over the buffer's remaining bytes (position to limit). Heap buffers are used in
     * place; a direct buffer's bytes are copied into a per-thread scratch array and written
     * back after the run (also when it fails), so the program sees and changes the same bytes
     * either way. The buffer's position and limit are left unchanged.
     */
    long run(ByteBuffer memory);

    /** Runs with no memory: r1 and r2 are 0. */
    long run();

    /** The type the program was prepared for. */
    ProgramType type();
}
