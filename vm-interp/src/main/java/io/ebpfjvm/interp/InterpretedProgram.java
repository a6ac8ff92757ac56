package io.ebpfjvm.interp;

import io.ebpfjvm.core.context.ContextLayout;
import io.ebpfjvm.core.context.PacketMetadata;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.PerThread;
import io.ebpfjvm.core.exec.ProgramTable;
import io.ebpfjvm.core.exec.RunResult;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.map.MapType;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.Helper;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.memory.AddressSpace;
import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;

import java.nio.ByteBuffer;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static io.ebpfjvm.core.isa.Semantics.*;

/** One program prepared for the interpreter; see {@link Interpreter}. */
final class InterpretedProgram implements ExecutableProgram {
    private static final byte[] EMPTY = new byte[0];

    private final DecodedProgram code;
    private final ProgramType type;
    private final HelperRegistry helpers;
    private final long stepLimit;
    private final MapSet maps;
    private final ProgramTable programs;
    private final ContextLayout layout;
    private final PerThread<ThreadState> states;

    InterpretedProgram(Program program, ProgramType type, MapSet maps, HelperRegistry helpers, ExecutionOptions options) {
        this.code = new DecodedProgram(program);
        this.programs = options.programs();
        this.type = type;
        this.maps = maps;
        this.layout = type.context();
        this.helpers = helpers;
        this.stepLimit = options.stepLimit();
        this.states = new PerThread<>(() -> new ThreadState(maps, type));
        checkMapReferences(program);
    }

    /** Every map an lddw names must exist, so runs never meet a dangling reference. */
    private void checkMapReferences(Program program) {
        for (int pc = 0; pc < program.size(); pc++) {
            var insn = program.get(pc);
            if (insn.isLddw()) {
                if ((insn.src() == BPF_PSEUDO_MAP_FD || insn.src() == BPF_PSEUDO_MAP_VALUE)
                    && (insn.imm() < 0 || insn.imm() >= maps.size())) {
                    throw new EbpfException("insn " + pc + ": lddw names map " + insn.imm() + ", the object has "
                        + maps.size() + " (map references need a loaded object)");
                }
                pc++;
            }
        }
    }

    @Override
    public ProgramType type() {
        return type;
    }

    @Override
    public long run(byte[] memory, int offset, int length, PacketMetadata metadata) {
        return run(memory, offset, length, metadata, null);
    }

    @Override
    public long run(byte[] memory, int offset, int length, PacketMetadata metadata, RunResult result) {
        if (offset < 0 || length < 0 || (long) offset + length > memory.length) {
            throw new IllegalArgumentException("window [" + offset + ", +" + length + ") outside an array of " + memory.length);
        }
        ThreadState s = acquire();
        try {
            long r0 = runMapped(s, memory, offset, length, true, metadata);
            if (result != null) {
                if (layout == null || layout.hasPacket()) {
                    result.capture(s.frame, maps);
                } else {
                    result.unchanged(EMPTY, 0, 0);
                }
            }
            return r0;
        } finally {
            release(s);
        }
    }

    private static final PacketMetadata DEFAULT_METADATA = PacketMetadata.defaults();

    @Override
    public long run(ByteBuffer memory) {
        if (memory.hasArray() && !memory.isReadOnly()) {
            return run(memory.array(), memory.arrayOffset() + memory.position(), memory.remaining());
        }
        ThreadState s = acquire();
        int length = memory.remaining();
        int position = memory.position();
        byte[] scratch = s.scratch(length);
        // Absolute bulk transfers: no duplicate() view per run, the buffer's position stays put.
        memory.get(position, scratch, 0, length);
        try {
            return runMapped(s, scratch, 0, length, !memory.isReadOnly(), null);
        } finally {
            // Written back even when the run faults, so the buffer ends as a byte[] would.
            if (!memory.isReadOnly()) {
                memory.put(position, scratch, 0, length);
            }
            release(s);
        }
    }

    /** Maps the memory (packet, or context for context-only types) and runs. */
    private long runMapped(ThreadState s, byte[] memory, int offset, int length, boolean writable, PacketMetadata metadata) {
        if (layout == null) {
            s.frame.reset(memory, offset, length, writable);
            return execute(s, Pointers.make(Regions.PACKET, 0), length);
        }
        if (!layout.hasPacket()) {
            checkContextSize(length);
            s.memory.map(Regions.PACKET, EMPTY, 0, 0, false);
            s.memory.map(Regions.CONTEXT, memory, offset, length, writable);
            return execute(s, Pointers.make(Regions.CONTEXT, 0), 0);
        }
        s.frame.reset(memory, offset, length, writable);
        s.contextFiller.fill(layout, s.context, metadata == null ? DEFAULT_METADATA : metadata, memory, offset, length);
        s.memory.map(Regions.CONTEXT, s.context, 0, layout.size(), true);
        return execute(s, Pointers.make(Regions.CONTEXT, 0), 0);
    }

    /** A context-only type's memory must hold its whole structure (a tracepoint record at least its common fields). */
    private void checkContextSize(int length) {
        int need = layout == ContextLayout.TRACEPOINT_RECORD ? 8 : layout.size();
        if (length < need || length > layout.size()) {
            throw new IllegalArgumentException(type.name().toLowerCase(java.util.Locale.ROOT) + " context: " + length
                + " bytes, expected " + (need == layout.size() ? need : need + ".." + layout.size())
                + " (" + layout.structName() + ")");
        }
    }

    @Override
    public long run() {
        ThreadState s = acquire();
        try {
            s.memory.map(Regions.PACKET, EMPTY, 0, 0, false);
            s.memory.unmap(Regions.CONTEXT);
            return execute(s, 0, 0);
        } finally {
            release(s);
        }
    }

    /** The thread's state, or a fresh one if a helper re-entered this program on this thread. */
    private ThreadState acquire() {
        ThreadState s = states.get();
        if (s.busy) {
            s = new ThreadState(maps, type);
        }
        s.busy = true;
        return s;
    }

    /**
     * Ends a run. The packet and context stay mapped until the next run on this thread maps its
     * own (no one can reach them meanwhile): unmapping would make every run pay the GC write
     * barriers of mapping again, at the price of keeping the last input array reachable.
     */
    private static void release(ThreadState s) {
        s.busy = false;
    }

    private long execute(ThreadState s, long r1, long r2) {
        long[] r = s.regs;
        java.util.Arrays.fill(r, 0);
        r[1] = r1;
        r[2] = r2;
        r[R10] = Regions.framePointer(0);
        s.stopRequested = false;
        s.budget = stepLimit;
        s.tailCalls = 0;
        return loop(s, code, 0, 0);
    }

    /**
     * Runs from {@code startPc} in call frame {@code baseFrame} until that frame exits. The
     * entry run starts at frame 0; a {@code bpf_loop} callback runs one frame deeper.
     * {@link ThreadState#pc} is written only before calls (helpers read it); any other
     * fault is named from the loop's own counter, which the handler sees at no cost per
     * instruction.
     */
    private long loop(ThreadState s, DecodedProgram entry, int startPc, int baseFrame) {
        DecodedProgram c = entry;
        long[] code = c.code;
        final long[] r = s.regs;
        final AddressSpace mem = s.memory;
        long budget = s.budget;
        int frame = baseFrame;
        int pc = startPc;
        try {
            while (true) {
                if (--budget < 0) {
                    s.budget = 0;
                    throw new EbpfRuntimeException(pc, "step limit of " + stepLimit + " instructions exceeded");
                }
                long insn = code[pc];
                int opcode = DecodedProgram.opcode(insn);
                int dst = DecodedProgram.dst(insn);
                int off = DecodedProgram.offset(insn);
                int imm = DecodedProgram.imm(insn);
                switch (cls(opcode)) {
                    case BPF_ALU64 -> {
                        long src = source(opcode) == BPF_X ? r[DecodedProgram.src(insn)] : imm;
                        r[dst] = alu64(op(opcode), off, imm, r[dst], src);
                        pc++;
                    }
                    case BPF_ALU -> {
                        long src = source(opcode) == BPF_X ? r[DecodedProgram.src(insn)] : imm;
                        r[dst] = alu32(op(opcode), off, imm, source(opcode) == BPF_TO_BE, r[dst], src);
                        pc++;
                    }
                    case BPF_JMP, BPF_JMP32 -> {
                        int o = op(opcode);
                        if (o == BPF_JA) {
                            pc = opcode == (BPF_JMP32 | BPF_JA) ? pc + 1 + imm : pc + 1 + off;
                        } else if (o == BPF_EXIT) {
                            if (frame == baseFrame) {
                                s.budget = budget;
                                return r[0];
                            }
                            frame--;
                            System.arraycopy(s.savedRegs, frame * 4, r, 6, 4);
                            r[R10] = Regions.framePointer(frame);
                            pc = s.returnPc[frame];
                        } else if (o == BPF_CALL) {
                            s.pc = pc;
                            if (opcode == CALL && DecodedProgram.src(insn) == BPF_PSEUDO_CALL) {
                                if (frame + 1 >= MAX_CALL_FRAMES) {
                                    throw new EbpfRuntimeException(pc, "call stack too deep: more than "
                                        + MAX_CALL_FRAMES + " frames");
                                }
                                System.arraycopy(r, 6, s.savedRegs, frame * 4, 4);
                                s.returnPc[frame] = pc + 1;
                                frame++;
                                r[R10] = Regions.framePointer(frame);
                                pc = pc + 1 + imm;
                            } else {
                                long id = opcode == CALLX ? r[dst] : imm;
                                if (opcode == CALL && DecodedProgram.src(insn) == BPF_PSEUDO_KFUNC_CALL) {
                                    throw new EbpfRuntimeException(pc, "kfunc calls are not supported (btf id " + imm + ")");
                                }
                                if (id == HELPER_TAIL_CALL) {
                                    DecodedProgram target = tailCallTarget(s, frame, pc);
                                    if (target != null) {
                                        // The callee replaces this program: same context in r1, same stack.
                                        c = target;
                                        code = c.code;
                                        pc = 0;
                                        continue;
                                    }
                                    r[0] = -Errno.ENOENT;
                                    pc++;
                                    continue;
                                }
                                if (id == HELPER_LOOP) {
                                    s.budget = budget;
                                    r[0] = bpfLoop(s, c, frame, pc);
                                    budget = s.budget;
                                    if (s.stopRequested) {
                                        return r[0];
                                    }
                                    pc++;
                                    continue;
                                }
                                r[0] = callHelper(s, id, pc);
                                if (s.stopRequested) {
                                    return r[0];
                                }
                                pc++;
                            }
                        } else {
                            long b = source(opcode) == BPF_X ? r[DecodedProgram.src(insn)] : imm;
                            boolean taken = cls(opcode) == BPF_JMP ? jump64(o, r[dst], b) : jump32(o, r[dst], b);
                            pc = taken ? pc + 1 + off : pc + 1;
                        }
                    }
                    case BPF_LDX -> {
                        int size = sizeBytes(opcode);
                        long address = r[DecodedProgram.src(insn)] + off;
                        long v;
                        if (layout != null && Pointers.region(address) == Regions.CONTEXT) {
                            int at = (int) Pointers.offset(address);
                            String problem = type.contextProblem(at, size, false);
                            if (problem != null) {
                                throw new EbpfRuntimeException(pc, "invalid context load: " + problem);
                            }
                            if ((v = layout.pointerLoad(at, size, s.frame.dataOffset(), s.frame.length())) != Long.MIN_VALUE) {
                                r[dst] = v;
                                pc++;
                                break;
                            }
                        }
                        v = mem.load(address, size, pc);
                        if (mode(opcode) == BPF_MEMSX) {
                            v = size == 1 ? (byte) v : size == 2 ? (short) v : (int) v;
                        }
                        r[dst] = v;
                        pc++;
                    }
                    case BPF_ST -> {
                        checkContextStore(r[dst] + off, sizeBytes(opcode), pc);
                        mem.store(r[dst] + off, sizeBytes(opcode), imm, pc);
                        pc++;
                    }
                    case BPF_STX -> {
                        int src = DecodedProgram.src(insn);
                        if (mode(opcode) == BPF_ATOMIC) {
                            int aop = imm;
                            int size = sizeBytes(opcode);
                            long old = mem.atomic(r[dst] + off, size, aop, r[src], r[0], pc);
                            if (aop == BPF_CMPXCHG) {
                                r[0] = old;
                            } else if ((aop & BPF_FETCH) != 0) {
                                r[src] = old;
                            }
                        } else {
                            checkContextStore(r[dst] + off, sizeBytes(opcode), pc);
                            mem.store(r[dst] + off, sizeBytes(opcode), r[src], pc);
                        }
                        pc++;
                    }
                    default -> { // BPF_LD
                        if (opcode == DecodedProgram.FELL_OFF) {
                            throw new EbpfRuntimeException(c.length - 1, "fell off the end of the program: expected exit or a jump");
                        }
                        if (opcode == LDDW) {
                            r[dst] = switch (DecodedProgram.src(insn)) {
                                case BPF_PSEUDO_NONE -> c.wide[pc];
                                case BPF_PSEUDO_MAP_FD -> Regions.mapHandle(imm);
                                case BPF_PSEUDO_MAP_VALUE -> Pointers.make(Regions.mapValues(imm), c.wide[pc] >>> 32);
                                case BPF_PSEUDO_FUNC -> Pointers.make(Regions.CODE, pc + 1 + imm);
                                default -> throw new EbpfRuntimeException(pc, "lddw with pseudo source " + DecodedProgram.src(insn)
                                    + " (BTF or map-index reference) is not supported by the interpreter");
                            };
                            pc += 2;
                        } else {
                            // LD_ABS / LD_IND: big-endian packet load; out of bounds ends the program with 0.
                            long at = imm;
                            if (mode(opcode) == BPF_IND) {
                                at = (int) (r[DecodedProgram.src(insn)] + at);
                            }
                            int size = sizeBytes(opcode);
                            // The kernel implements these as a helper call: r1-r5 are clobbered.
                            // We define them as 0 (the JIT must do the same).
                            r[1] = r[2] = r[3] = r[4] = r[5] = 0;
                            if (at < 0 || at + size > mem.length(Regions.PACKET)) {
                                // Ends the whole run, even from a subprogram or a bpf_loop callback.
                                s.stopRequested = true;
                                s.budget = budget;
                                r[0] = 0;
                                return 0;
                            }
                            long v = mem.load(Pointers.make(Regions.PACKET, at), size, pc);
                            r[0] = size == 1 ? v : bswap(size * 8, v);
                            pc++;
                        }
                    }
                }
            }
        } catch (EbpfRuntimeException e) {
            throw e;
        } catch (EbpfException e) {
            throw new EbpfRuntimeException(pc, e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new EbpfRuntimeException(pc, "internal error: " + e, e);
        }
    }

    static final int HELPER_TAIL_CALL = 12;
    static final int HELPER_LOOP = 181;
    /** The kernel's MAX_TAIL_CALL_CNT. */
    static final int MAX_TAIL_CALLS = 33;
    /** The kernel's limit on bpf_loop iterations. */
    static final long MAX_LOOPS = 1 << 23;

    /** {@code bpf_tail_call(ctx, prog_array, index)}: the program to continue in, or null (the call falls through). */
    private DecodedProgram tailCallTarget(ThreadState s, int frame, int pc) {
        long[] r = s.regs;
        BpfMap map = maps.ofHandle(r[2]);
        if (map == null || map.type() != MapType.PROG_ARRAY) {
            throw new EbpfRuntimeException(pc, "tail call through something that is not a program array");
        }
        if (frame != 0) {
            throw new EbpfRuntimeException(pc, "tail call from a bpf-to-bpf subprogram is not supported");
        }
        int id = ((io.ebpfjvm.core.map.ArrayMap) map).program(r[3] & 0xffffffffL);
        if (id < 0 || s.tailCalls >= MAX_TAIL_CALLS) {
            return null;
        }
        ExecutableProgram target = programs.get(id);
        if (!(target instanceof InterpretedProgram t) || t.maps != maps) {
            throw new EbpfRuntimeException(pc, "tail call to program " + id
                + ", which is not an interpreted program of the same object");
        }
        s.tailCalls++;
        return t.code;
    }

    /** {@code bpf_loop(nr, callback, ctx, flags)}: calls {@code callback(i, ctx)} until it returns 1. */
    private long bpfLoop(ThreadState s, DecodedProgram c, int frame, int pc) {
        long[] r = s.regs;
        long count = r[1] & 0xffffffffL;
        long callback = r[2];
        long ctx = r[3];
        if (r[4] != 0) {
            return -Errno.EINVAL;
        }
        if (count > MAX_LOOPS) {
            return -Errno.E2BIG;
        }
        if (Pointers.region(callback) != Regions.CODE || Pointers.offset(callback) >= c.length) {
            throw new EbpfRuntimeException(pc, "bpf_loop callback is not a function pointer");
        }
        if (frame + 1 >= MAX_CALL_FRAMES) {
            throw new EbpfRuntimeException(pc, "call stack too deep: more than " + MAX_CALL_FRAMES + " frames");
        }
        int target = (int) Pointers.offset(callback);
        long done = 0;
        System.arraycopy(r, 6, s.savedRegs, frame * 4, 4);
        for (long i = 0; i < count; i++) {
            r[1] = i;
            r[2] = ctx;
            r[R10] = Regions.framePointer(frame + 1);
            long ret = loop(s, c, target, frame + 1);
            if (s.stopRequested) {
                return ret; // unwind or an out-of-bounds packet load inside the callback ends the run
            }
            done++;
            System.arraycopy(s.savedRegs, frame * 4, r, 6, 4);
            if (ret == 1) {
                break;
            }
        }
        r[R10] = Regions.framePointer(frame);
        return done;
    }

    private void checkContextStore(long address, int size, int pc) {
        if (layout != null && Pointers.region(address) == Regions.CONTEXT) {
            String problem = type.contextProblem((int) Pointers.offset(address), size, true);
            if (problem != null) {
                throw new EbpfRuntimeException(pc, "invalid context store: " + problem);
            }
        }
    }

    private long callHelper(ThreadState s, long id, int pc) {
        Helper helper = helpers.get(id);
        if (helper == null) {
            throw new EbpfRuntimeException(pc, "unknown helper " + id + ": not registered");
        }
        long[] r = s.regs;
        try {
            return helper.call(s, r[1], r[2], r[3], r[4], r[5]);
        } catch (EbpfRuntimeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EbpfRuntimeException(pc, "helper " + id + " (" + helpers.name(id) + ") failed: " + e.getMessage(), e);
        }
    }
}
