package io.ebpfjvm.jit;

import io.ebpfjvm.core.context.ContextLayout;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.map.ArrayMap;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.map.MapType;
import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;

import static io.ebpfjvm.core.isa.Opcodes.MAX_CALL_FRAMES;

/**
 * The out-of-line parts of compiled code: checked (tag-decoding) memory accesses with the
 * interpreter's context rewriting, tail calls, bpf_loop, and the exceptions
 * generated code throws. Each mirrors the interpreter's rule so both engines behave alike.
 */
public final class JitRuntime {
    /** The kernel's MAX_TAIL_CALL_CNT. */
    static final int MAX_TAIL_CALLS = 33;
    /** The kernel's limit on bpf_loop iterations. */
    static final long MAX_LOOPS = 1 << 23;
    static final int HELPER_TAIL_CALL = 12;
    static final int HELPER_LOOP = 181;

    private JitRuntime() {
    }

    /**
     * Maps the run's packet array into the state's address space, for code that calls out
     * (helpers, checked accesses, calls): the window is the one the run set in the state.
     * No reference store when the array is mapped already.
     */
    public static void mapPacket(JitState s, byte[] packet) {
        s.memory.map(Regions.PACKET, packet, s.packetBase, s.packetLength, s.packetWritable);
    }

    /** A checked load for program types with a context: ctx->data and friends read as packet pointers. */
    public static long load(JitState s, long address, int size, int pc) {
        ContextLayout layout = s.layout;
        if (layout != null && Pointers.region(address) == Regions.CONTEXT) {
            long v = layout.pointerLoad((int) Pointers.offset(address), size, s.memory.length(Regions.PACKET));
            if (v != Long.MIN_VALUE) {
                return v;
            }
        }
        return s.memory.load(address, size, pc);
    }

    /** A checked sign-extending load ({@code BPF_MEMSX}); packet-pointer fields still read as pointers. */
    public static long loadSigned(JitState s, long address, int size, int pc) {
        ContextLayout layout = s.layout;
        if (layout != null && Pointers.region(address) == Regions.CONTEXT) {
            long v = layout.pointerLoad((int) Pointers.offset(address), size, s.memory.length(Regions.PACKET));
            if (v != Long.MIN_VALUE) {
                return v;
            }
        }
        long v = s.memory.load(address, size, pc);
        return size == 1 ? (byte) v : size == 2 ? (short) v : size == 4 ? (int) v : v;
    }

    /** A checked store that also enforces which context fields are writable. */
    public static void store(JitState s, long address, int size, long value, int pc) {
        ContextLayout layout = s.layout;
        if (layout != null && Pointers.region(address) == Regions.CONTEXT) {
            String problem = layout.storeProblem((int) Pointers.offset(address), size);
            if (problem != null) {
                throw new EbpfRuntimeException(pc, "invalid context store: " + problem);
            }
        }
        s.memory.store(address, size, value, pc);
    }

    /** {@code bpf_tail_call(ctx, prog_array, index)}: the entry to continue in, or null (the call falls through). */
    public static JitEntry tailCallTarget(JitLink link, JitState s, int frame, long r2, long r3, int pc) {
        BpfMap map = link.maps.ofHandle(r2);
        if (map == null || map.type() != MapType.PROG_ARRAY) {
            throw new EbpfRuntimeException(pc, "tail call through something that is not a program array");
        }
        if (frame != 0) {
            throw new EbpfRuntimeException(pc, "tail call from a bpf-to-bpf subprogram is not supported");
        }
        int id = ((ArrayMap) map).program(r3 & 0xffffffffL);
        if (id < 0 || s.tailCalls >= MAX_TAIL_CALLS) {
            return null;
        }
        ExecutableProgram target = link.programs.get(id);
        if (!(target instanceof JitProgram t) || t.maps() != link.maps) {
            throw new EbpfRuntimeException(pc, "tail call to program " + id
                + ", which is not a JIT-compiled program of the same object");
        }
        s.tailCalls++;
        return t.entry();
    }

    /** {@code bpf_loop(nr, callback, ctx, flags)}: calls {@code callback(i, ctx)} until it returns 1. */
    public static long bpfLoop(JitLink link, JitState s, int frame, long r1, long r2, long r3, long r4, int pc) {
        long count = r1 & 0xffffffffL;
        if (r4 != 0) {
            return -Errno.EINVAL;
        }
        if (count > MAX_LOOPS) {
            return -Errno.E2BIG;
        }
        if (Pointers.region(r2) != Regions.CODE || Pointers.offset(r2) >= link.program.size()) {
            throw new EbpfRuntimeException(pc, "bpf_loop callback is not a function pointer");
        }
        if (frame + 1 >= MAX_CALL_FRAMES) {
            throw new EbpfRuntimeException(pc, "call stack too deep: more than " + MAX_CALL_FRAMES + " frames");
        }
        int target = (int) Pointers.offset(r2);
        long done = 0;
        for (long i = 0; i < count; i++) {
            long ret = link.entry.callback(s, target, frame + 1, i, r3);
            if (s.stop) {
                return ret;
            }
            done++;
            if (ret == 1) {
                break;
            }
        }
        return done;
    }

    /** {@code callx}: a helper whose id is in a register, dispatched at run time. */
    public static long callDynamic(JitLink link, JitState s, int frame, long id, long r1, long r2, long r3, long r4,
                                   long r5, int pc) {
        if (id == HELPER_LOOP) {
            return bpfLoop(link, s, frame, r1, r2, r3, r4, pc);
        }
        if (id == HELPER_TAIL_CALL) {
            throw new EbpfRuntimeException(pc, "tail call through callx is not supported by the JIT");
        }
        io.ebpfjvm.core.helper.Helper helper = link.helpers.get(id);
        if (helper == null) {
            throw new EbpfRuntimeException(pc, "unknown helper " + id + ": not registered");
        }
        try {
            return helper.call(s, r1, r2, r3, r4, r5);
        } catch (RuntimeException e) {
            throw helperFailed(e, (int) id, link.helpers.name(id), pc);
        }
    }

    /** The step-limit failure of a block starting at {@code start} whose charge left {@code budget} below zero. */
    public static EbpfRuntimeException stepLimit(JitLink link, int start, long budget, int count) {
        long k = count + budget; // the instruction of the block at which the interpreter stops
        int pc = start;
        for (long i = 0; i < k && pc + 1 < link.secondSlot.length; i++) {
            pc += pc + 1 < link.secondSlot.length && link.secondSlot[pc + 1] ? 2 : 1;
        }
        return new EbpfRuntimeException(pc, "step limit of " + link.stepLimit + " instructions exceeded");
    }

    /** The step limit counted in loop iterations ({@link JitOptions#iterationLimit}) ran out entering the loop at {@code pc}. */
    public static EbpfRuntimeException iterationLimit(JitLink link, int pc) {
        return new EbpfRuntimeException(pc, "step limit of " + link.stepLimit + " loop iterations exceeded");
    }

    /** A fault generated code raises (unsupported instruction, fell off the end, call depth). */
    public static EbpfRuntimeException fail(int pc, String message) {
        return new EbpfRuntimeException(pc, message);
    }

    /** The JVM's own bounds check stopped a direct access: a verifier fact did not hold. */
    public static EbpfRuntimeException outOfBounds(RuntimeException e, int pc) {
        return new EbpfRuntimeException(pc, "memory access outside its region (caught by the JIT's array bounds check: "
            + e.getMessage() + ")", e);
    }

    /** A helper failed: ours pass through, anything else is reported as the interpreter does. */
    public static RuntimeException helperFailed(RuntimeException e, int id, String name, int pc) {
        if (e instanceof EbpfRuntimeException) {
            return e;
        }
        return new EbpfRuntimeException(pc, "helper " + id + " (" + name + ") failed: " + e.getMessage(), e);
    }

    /** The call-depth fault of a bpf-to-bpf call. */
    public static EbpfRuntimeException tooDeep(int pc) {
        return new EbpfRuntimeException(pc, "call stack too deep: more than " + MAX_CALL_FRAMES + " frames");
    }
}
