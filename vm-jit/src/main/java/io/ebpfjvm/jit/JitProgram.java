package io.ebpfjvm.jit;

import io.ebpfjvm.core.context.ContextLayout;
import io.ebpfjvm.core.context.PacketMetadata;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.PerThread;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;

import java.nio.ByteBuffer;

/**
 * A program compiled to a hidden class. Runs take the calling thread's {@link JitState}
 * (a fresh one only when a helper re-enters the program on the same thread), map the packet
 * and context into it, and call the generated entry; nothing is allocated per run.
 */
final class JitProgram implements ExecutableProgram {
    private static final PacketMetadata DEFAULT_METADATA = PacketMetadata.defaults();

    private final JitEntry entry;
    private final ProgramType type;
    private final MapSet maps;
    private final ContextLayout layout;
    private final long stepLimit;
    private final PerThread<JitState> states;
    private final Translator.Result code;

    JitProgram(JitEntry entry, ProgramType type, MapSet maps, long stepLimit, Translator.Result code) {
        this.entry = entry;
        this.type = type;
        this.maps = maps;
        this.layout = type.context();
        this.stepLimit = stepLimit;
        this.code = code;
        this.states = new PerThread<>(() -> new JitState(maps, type));
    }

    JitEntry entry() {
        return entry;
    }

    MapSet maps() {
        return maps;
    }

    /** The generated class and its method sizes. */
    Translator.Result code() {
        return code;
    }

    @Override
    public ProgramType type() {
        return type;
    }

    @Override
    public long run(byte[] memory, int offset, int length, PacketMetadata metadata) {
        if (offset < 0 || length < 0 || (long) offset + length > memory.length) {
            throw new IllegalArgumentException("window [" + offset + ", +" + length + ") outside an array of " + memory.length);
        }
        JitState s = acquire();
        try {
            setPacket(s, offset, length, true);
            if (layout == null) {
                return execute(s, memory, Pointers.make(Regions.PACKET, 0), length);
            }
            fillContext(s, metadata == null ? DEFAULT_METADATA : metadata, memory, offset, length);
            return execute(s, memory, Pointers.make(Regions.CONTEXT, 0), 0);
        } finally {
            release(s);
        }
    }

    @Override
    public long run(ByteBuffer memory) {
        if (memory.hasArray() && !memory.isReadOnly()) {
            return run(memory.array(), memory.arrayOffset() + memory.position(), memory.remaining());
        }
        JitState s = acquire();
        int length = memory.remaining();
        int position = memory.position();
        byte[] scratch = s.scratch(length);
        // Absolute bulk transfers: no duplicate() view per run, the buffer's position stays put.
        memory.get(position, scratch, 0, length);
        try {
            setPacket(s, 0, length, !memory.isReadOnly());
            if (layout == null) {
                return execute(s, scratch, Pointers.make(Regions.PACKET, 0), length);
            }
            fillContext(s, DEFAULT_METADATA, scratch, 0, length);
            return execute(s, scratch, Pointers.make(Regions.CONTEXT, 0), 0);
        } finally {
            // Written back even when the run faults, so the buffer ends as a byte[] would.
            if (!memory.isReadOnly()) {
                memory.put(position, scratch, 0, length);
            }
            release(s);
        }
    }

    @Override
    public long run() {
        JitState s = acquire();
        try {
            setPacket(s, 0, 0, false);
            s.memory.unmap(Regions.CONTEXT);
            return execute(s, JitState.EMPTY, 0, 0);
        } finally {
            release(s);
        }
    }

    /**
     * Describes the packet's window. The array itself is handed to the compiled entry, not
     * stored here: a reference store into the long-lived state costs a GC write barrier per
     * run, and only code that calls out needs it in the address space (the entry maps it then).
     */
    private static void setPacket(JitState s, int offset, int length, boolean writable) {
        s.packetWritable = writable;
        s.packetBase = offset;
        s.packetLength = length;
    }

    /** Fills the thread's context structure and maps it (no reference store when it is mapped already). */
    private void fillContext(JitState s, PacketMetadata m, byte[] packet, int offset, int length) {
        s.contextFiller.fill(layout, s.context, m, packet, offset, length);
        if (s.memory.mapped(Regions.CONTEXT) != s.context) {
            s.memory.map(Regions.CONTEXT, s.context, 0, layout.size(), true); // unmapped only by run()
        }
    }

    private JitState acquire() {
        JitState s = states.get();
        if (s.busy) {
            s = new JitState(maps, type);
        }
        s.busy = true;
        return s;
    }

    /**
     * Ends a run. The packet stays mapped (unreachable to anyone until the next run on this
     * thread maps its own): clearing it would cost the write barriers that mapping saves, at
     * the price of keeping the thread's last packet array reachable.
     */
    private static void release(JitState s) {
        s.busy = false;
    }

    private long execute(JitState s, byte[] packet, long r1, long r2) {
        s.stop = false;
        s.budget = stepLimit;
        s.tailCalls = 0;
        s.pc = 0;
        try {
            return entry.enter(s, packet, r1, r2);
        } catch (EbpfRuntimeException e) {
            throw e;
        } catch (EbpfException e) {
            throw new EbpfRuntimeException(s.pc, e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new EbpfRuntimeException(s.pc, "internal error: " + e, e);
        }
    }
}
