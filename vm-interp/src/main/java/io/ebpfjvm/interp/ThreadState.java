package io.ebpfjvm.interp;

import io.ebpfjvm.core.helper.HelperContext;
import io.ebpfjvm.core.isa.Opcodes;
import io.ebpfjvm.core.memory.AddressSpace;

/**
 * Everything one thread needs to run a program, allocated once and reused: registers, the
 * call-frame save area, the address space (whose stack holds all eight frames), and a
 * scratch array for direct buffers. It is also the context helpers see.
 */
final class ThreadState implements HelperContext {
    final long[] regs = new long[Opcodes.REGISTER_COUNT];
    /** r6..r9 of each caller frame, four per frame. */
    final long[] savedRegs = new long[Opcodes.MAX_CALL_FRAMES * 4];
    final int[] returnPc = new int[Opcodes.MAX_CALL_FRAMES];
    final AddressSpace memory = new AddressSpace();
    /** The packet of the run and its geometry (moved by the XDP adjust helpers). */
    final io.ebpfjvm.core.context.PacketFrame frame = new io.ebpfjvm.core.context.PacketFrame(memory);
    final io.ebpfjvm.core.exec.MapSet maps;
    /** The context structure (xdp_md, __sk_buff) of packet program types. */
    final byte[] context = new byte[256];
    final io.ebpfjvm.core.context.ContextFiller contextFiller = new io.ebpfjvm.core.context.ContextFiller();
    byte[] scratch = new byte[0];
    boolean busy;
    boolean stopRequested;
    /** Instructions this run may still execute (shared by nested callback runs). */
    long budget;
    /** Tail calls taken in this run. */
    int tailCalls;
    int pc;

    final io.ebpfjvm.core.exec.ProgramType type;

    ThreadState(io.ebpfjvm.core.exec.MapSet maps, io.ebpfjvm.core.exec.ProgramType type) {
        this.maps = maps;
        this.type = type;
        maps.mapInto(memory);
    }

    @Override
    public io.ebpfjvm.core.exec.ProgramType programType() {
        return type;
    }

    @Override
    public io.ebpfjvm.core.exec.MapSet maps() {
        return maps;
    }

    @Override
    public io.ebpfjvm.core.context.PacketFrame packetFrame() {
        return frame;
    }

    @Override
    public AddressSpace memory() {
        return memory;
    }

    @Override
    public int instructionIndex() {
        return pc;
    }

    @Override
    public void stopAfterReturn() {
        stopRequested = true;
    }

    /** A scratch array of at least {@code size} bytes, grown only when a larger buffer comes. */
    byte[] scratch(int size) {
        if (scratch.length < size) {
            scratch = new byte[Math.max(size, 2048)];
        }
        return scratch;
    }
}
