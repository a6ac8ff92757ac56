package io.ebpfjvm.core.helper;

import io.ebpfjvm.core.memory.AddressSpace;

/** What a helper may see and do during one call. */
public interface HelperContext {
    /** The memory of the running program; pointer arguments resolve here. */
    AddressSpace memory();

    /** Index of the {@code call} instruction, for error messages. */
    int instructionIndex();

    /** The maps of the program's object (empty for a bare program). */
    io.ebpfjvm.core.exec.MapSet maps();

    /** The type of the running program (helpers such as redirect answer per type). */
    io.ebpfjvm.core.exec.ProgramType programType();

    /**
     * The packet of the run and its geometry (for the XDP adjust helpers and the redirect
     * record), or null when the engine does not track one: those helpers then fail.
     */
    default io.ebpfjvm.core.context.PacketFrame packetFrame() {
        return null;
    }

    /** Ends the program right after this helper returns, with its return value as r0. */
    void stopAfterReturn();
}
