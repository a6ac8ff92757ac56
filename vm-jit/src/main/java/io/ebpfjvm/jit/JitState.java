package io.ebpfjvm.jit;

import io.ebpfjvm.core.context.ContextLayout;
import io.ebpfjvm.core.context.ContextFiller;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperContext;
import io.ebpfjvm.core.isa.Opcodes;
import io.ebpfjvm.core.memory.AddressSpace;

/**
 * Everything one thread needs to run compiled code, allocated once and reused: the address
 * space (whose stack array holds all eight frames and is what compiled code indexes directly),
 * the context structure, the current packet window, one register file per call frame for code
 * split into regions, and the run's step budget. It is also the context helpers see.
 * Generated code reads its fields directly, hence public.
 */
public final class JitState implements HelperContext {
    /** An empty array: what compiled code stores into when the packet is read-only. */
    public static final byte[] EMPTY = new byte[0];

    public final AddressSpace memory = new AddressSpace();
    /** All stack frames; frame f occupies {@code [f * 512, (f + 1) * 512)}. */
    public final byte[] stack = memory.stack();
    /** The context structure (xdp_md, __sk_buff) of packet program types. */
    public final byte[] context = new byte[256];
    /** Whether direct stores may write the packet (compiled code stores into an empty array otherwise, so a store faults). */
    public boolean packetWritable;
    /** The current packet's window in the array mapped as {@code Regions.PACKET} (the one place that array is kept). */
    public int packetBase;
    public int packetLength;
    /** Register files r0..r10 per call frame, for functions split into regions and for block fallback. */
    public final long[][] frameRegs = new long[Opcodes.MAX_CALL_FRAMES + 1][Opcodes.REGISTER_COUNT];
    /** Instructions this run may still execute (kept in a local by compiled code between calls). */
    public long budget;
    /** Set by a helper (or an out-of-bounds packet load) to end the run. */
    public boolean stop;
    /** Index of the helper call in progress, for helpers' error messages. */
    public int pc;
    int tailCalls;
    boolean busy;
    byte[] scratch = EMPTY;
    final ContextFiller contextFiller = new ContextFiller();

    final MapSet maps;
    final ProgramType type;
    final ContextLayout layout;

    JitState(MapSet maps, ProgramType type) {
        this.maps = maps;
        this.type = type;
        this.layout = type.context();
        maps.mapInto(memory);
    }

    @Override
    public ProgramType programType() {
        return type;
    }

    @Override
    public MapSet maps() {
        return maps;
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
        stop = true;
    }

    /** A scratch array of at least {@code size} bytes, grown only when a larger buffer comes. */
    byte[] scratch(int size) {
        if (scratch.length < size) {
            scratch = new byte[Math.max(size, 2048)];
        }
        return scratch;
    }
}
