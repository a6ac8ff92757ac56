package io.ebpfjvm.verifier;

import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ArgKind;
import io.ebpfjvm.core.helper.HelperPrototype;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.verifier.helper.Arg;
import io.ebpfjvm.verifier.helper.HelperSpec;
import io.ebpfjvm.verifier.helper.KernelHelperTable;
import io.ebpfjvm.verifier.helper.Ret;
import io.ebpfjvm.verifier.scalar.Scalar;
import io.ebpfjvm.verifier.state.FuncState;
import io.ebpfjvm.verifier.state.Reg;
import io.ebpfjvm.verifier.state.RegType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Helper calls (check_helper_call with check_func_arg), bpf-to-bpf calls (check_func_call),
 * exits (prepare_func_exit, check_return_code) and reference tracking.
 */
final class CallChecks {
    private static final int MAX_CALL_FRAMES = 8;
    private static final Set<Integer> PACKET_ACCESS = Set.of(1, 2, 3, 28, 84, 85, 99, 100, 110, 87);
    private static final String MEM_TYPES = "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_";
    private static final String KEY_VALUE_TYPES = "fp, pkt, pkt_meta, map_key, map_value";
    private static final String SOCK_TYPES = "sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_";

    private final Checker c;

    CallChecks(Checker c) {
        this.c = c;
    }

    /** Returns true when the path ends here (never for calls). */
    boolean checkCall(Instruction insn) {
        if (insn.cls() == BPF_JMP32 || (insn.opcode() & BPF_X) != 0) {
            throw c.reject("BPF_CALL uses reserved fields");
        }
        if (insn.src() == BPF_PSEUDO_CALL) {
            if (insn.offset() != 0 || insn.dst() != 0) {
                throw c.reject("BPF_CALL uses reserved fields");
            }
            localCall(insn);
            return false;
        }
        if (insn.src() == BPF_PSEUDO_KFUNC_CALL) {
            throw c.reject("calling kernel function is not supported without CONFIG_DEBUG_INFO_BTF");
        }
        if (insn.src() != BPF_CALL_HELPER || insn.offset() != 0 || insn.dst() != 0) {
            throw c.reject("BPF_CALL uses reserved fields");
        }
        helperCall(insn.imm());
        return false;
    }

    private void localCall(Instruction insn) {
        if (c.state.curFrame() + 1 >= MAX_CALL_FRAMES) {
            throw c.reject("the call stack of " + (c.state.curFrame() + 2) + " frames is too deep !");
        }
        int target = c.pc + 1 + insn.imm();
        FuncState caller = c.cur();
        FuncState callee = new FuncState(c.pc, c.state.curFrame() + 1, c.subprogOfPc[target]);
        boolean global = c.globalSubprog[callee.subprog];
        for (int r = 1; r <= 5; r++) {
            Reg arg = caller.regs[r];
            // a global function is verified for any argument values of the argument's kind
            if (global && arg.isScalar()) {
                arg = Reg.unknown();
            } else if (global && arg.isPointer() && arg.type() != RegType.CTX && !arg.nullable()) {
                // the kernel types such an argument as memory that may be null
                arg = arg.withNullable(true).withId(c.newId());
            }
            callee.regs[r] = arg;
        }
        for (int r = 0; r <= 5; r++) {
            caller.regs[r] = Reg.notInit();
        }
        c.state.frames.add(callee);
        c.pc = target;
    }

    boolean checkExit(Instruction insn) {
        if ((insn.opcode() & BPF_X) != 0 || insn.imm() != 0 || insn.src() != 0 || insn.dst() != 0 || insn.cls() == BPF_JMP32) {
            throw c.reject("BPF_EXIT uses reserved fields");
        }
        if (c.state.curFrame() > 0 && c.cur().callback) {
            exitLoopCallback();
            return false;
        }
        if (c.state.curFrame() > 0) {
            // the callee's r0 goes back as it is; reading it uninitialised fails in the caller
            Reg r0 = c.regs()[0];
            if (r0.type() == RegType.STACK) {
                throw c.reject("cannot return stack pointer to the caller");
            }
            FuncState callee = c.state.frames.remove(c.state.frames.size() - 1);
            if (c.globalSubprog[callee.subprog]) {
                if (!r0.isScalar()) {
                    throw c.reject("At subprogram exit the register R0 is not a scalar value (" + r0.typeName() + ")");
                }
                r0 = Reg.unknown(); // the caller only knows a global function returns a number
            }
            c.cur().regs[0] = r0;
            c.pc = callee.callsite + 1;
            return false;
        }
        if (!c.state.refs.isEmpty()) {
            for (int[] ref : c.state.refs) {
                c.log.append("Unreleased reference id=").append(ref[0]).append(" alloc_insn=").append(ref[1]).append('\n');
            }
            throw c.reject("BPF_EXIT instruction in main prog would lead to reference leak");
        }
        Reg r0 = c.readReg(0);
        long[] range = c.type.returnRange(); // kprobes and tracepoints may return anything
        if (range != null) {
            if (!r0.isScalar()) {
                throw c.reject("At program exit the register R0 is not a known value (" + r0.typeName() + ")");
            }
            Scalar v = r0.var();
            if (v.smin() < range[0] || v.smax() > range[1]) {
                throw c.reject(rangeMessage("At program exit the register R0 has", v));
            }
        }
        return true;
    }

    // ---- helpers ----

    private HelperSpec resolve(int id) {
        HelperPrototype user = c.options.helpers().prototype(id);
        if (user != null) {
            return fromPrototype(id, user);
        }
        if (id < 0 || id >= KernelHelperTable.MAX_ID) {
            if (c.options.helpers().get(id) != null) {
                throw c.reject("helper " + c.options.helpers().name(id) + "#" + id + " has no prototype to verify calls against");
            }
            throw c.reject("invalid func unknown#" + id);
        }
        HelperSpec spec = KernelHelperTable.spec(id);
        if (spec == null || !KernelHelperTable.allowed(c.type, id)) {
            throw c.reject("program of this type cannot use helper bpf_" + KernelHelperTable.name(id) + "#" + id);
        }
        return spec;
    }

    private static HelperSpec fromPrototype(int id, HelperPrototype p) {
        List<Arg> args = new ArrayList<>();
        for (ArgKind k : p.arguments()) {
            args.add(switch (k) {
                case ANYTHING, SCALAR -> Arg.ANYTHING;
                case CONST_MAP_PTR -> Arg.CONST_MAP_PTR;
                case PTR_TO_MAP_KEY -> Arg.PTR_TO_MAP_KEY;
                case PTR_TO_MAP_VALUE -> Arg.PTR_TO_MAP_VALUE;
                case PTR_TO_MEM_READONLY -> Arg.PTR_TO_MEM_READONLY;
                case PTR_TO_UNINIT_MEM -> Arg.PTR_TO_UNINIT_MEM;
                case PTR_TO_MEM_OR_NULL -> Arg.PTR_TO_MEM_OR_NULL_READONLY;
                case CONST_SIZE -> Arg.CONST_SIZE;
                case CONST_SIZE_OR_ZERO -> Arg.CONST_SIZE_OR_ZERO;
                case PTR_TO_CTX -> Arg.PTR_TO_CTX;
                case PTR_TO_FUNC -> Arg.PTR_TO_FUNC;
                case PTR_TO_RINGBUF_MEM -> Arg.PTR_TO_RINGBUF_MEM;
                case CONST_ALLOC_SIZE_OR_ZERO -> Arg.CONST_ALLOC_SIZE_OR_ZERO;
                case PTR_TO_STACK_OR_NULL -> Arg.PTR_TO_STACK_OR_NULL;
            });
        }
        Ret ret = switch (p.returns()) {
            case INTEGER -> Ret.INTEGER;
            case VOID -> Ret.VOID;
            case PTR_TO_MAP_VALUE_OR_NULL -> Ret.PTR_TO_MAP_VALUE_OR_NULL;
            case PTR_TO_RINGBUF_MEM_OR_NULL -> Ret.PTR_TO_RINGBUF_MEM_OR_NULL;
        };
        return new HelperSpec(id, p.name(), ret, args, false, false);
    }

    private static final class Meta {
        int mapIndex = Integer.MIN_VALUE;
        int refObjId;
        int releaseRegno = -1;
        long memSize;
        int rawRegno = -1;
        long rawSize;
        int callbackPc = -1;
    }

    private void helperCall(int id) {
        HelperSpec spec = resolve(id);
        c.helperIds[c.pc] = c.helperIds[c.pc] == -1 || c.helperIds[c.pc] == id ? id : -2;
        Meta meta = new Meta();
        List<Arg> args = spec.args();
        for (int i = 0; i < args.size(); i++) {
            checkArg(spec, i, args, meta);
        }
        if (meta.mapIndex != Integer.MIN_VALUE) {
            checkMapFuncCompatibility(spec, meta.mapIndex);
        }
        if (spec.id() == 12 && !c.state.refs.isEmpty()) {
            throw c.reject("tail_call would lead to reference leak");
        }
        if (meta.rawRegno >= 0) {
            Reg r = c.regs()[meta.rawRegno];
            if (r.type() == RegType.STACK) {
                c.memory.helperWritesStack(r, meta.rawSize);
            }
        }
        if (meta.releaseRegno >= 0) {
            int ref = meta.refObjId;
            if (!c.state.hasRef(ref)) {
                throw c.reject("R" + meta.releaseRegno + " must be referenced when passed to release function");
            }
            c.state.releaseRef(ref);
            Checker.forEachReg(c.state, r -> r.refObjId() == ref ? Reg.unknown() : r);
        }
        if (meta.callbackPc >= 0) {
            enterLoopCallback(meta.callbackPc);
            return;
        }
        for (int r = 1; r <= 5; r++) {
            c.setReg(r, Reg.notInit());
        }
        c.setReg(0, returnValue(spec, meta));
        if (spec.changesPacket()) {
            Checker.forEachReg(c.state, r -> r.type().isPacket() || r.type() == RegType.PACKET_END ? Reg.unknown() : r);
        }
        c.pc++;
    }

    /**
     * bpf_loop: the callback may run zero or more times. The path that skips it is queued; the
     * callback runs in a new frame with r1 = the index and r2 = the context argument. Each exit
     * from it both returns to the caller and re-enters it with caller stack scalars widened to
     * unknown, which covers every later iteration and lets pruning end the walk.
     */
    private void enterLoopCallback(int callbackPc) {
        if (c.state.curFrame() + 1 >= MAX_CALL_FRAMES) {
            throw c.reject("the call stack of " + (c.state.curFrame() + 2) + " frames is too deep !");
        }
        var skip = c.state.copy();
        Reg ctxArg = c.regs()[3];
        for (int r = 1; r <= 5; r++) {
            skip.regs()[r] = Reg.notInit();
        }
        skip.regs()[0] = Reg.unknown();
        c.pushBranch(c.pc + 1, skip);
        pushCallbackFrame(c.state, callbackPc, c.pc, ctxArg);
        c.pc = callbackPc;
    }

    private void pushCallbackFrame(io.ebpfjvm.verifier.state.VerifierState st, int callbackPc, int callsite, Reg ctxArg) {
        FuncState caller = st.cur();
        FuncState callee = new FuncState(callsite, st.curFrame() + 1, c.subprogOfPc[callbackPc]);
        callee.callback = true;
        callee.regs[1] = Reg.unknown();
        callee.regs[2] = ctxArg;
        // The caller's r3 stays as at the call, as in the kernel: every iteration gets it as r2,
        // whatever the callback did to its own r2. The other argument registers are gone.
        for (int r = 0; r <= 5; r++) {
            caller.regs[r] = r == 3 ? ctxArg : Reg.notInit();
        }
        st.frames.add(callee);
    }

    private void exitLoopCallback() {
        Reg r0 = c.readReg(0);
        if (!r0.isScalar()) {
            throw c.reject("At callback return the register R0 is not a known value (" + r0.typeName() + ")");
        }
        if (r0.var().smin() < 0 || r0.var().smax() > 1) {
            throw c.reject(rangeMessage("At callback return the register R0 has", r0.var()));
        }
        FuncState callee = c.cur();
        int callbackPc = c.cfg.subprograms().get(callee.subprog).start();
        var again = c.state.copy();
        again.frames.remove(again.frames.size() - 1);
        Reg ctxArg = again.cur().regs[3]; // the context argument of the call, not the callee's r2 now
        for (int f = 0; f < again.frames.size(); f++) {
            widenScalars(again.frames.get(f));
        }
        Reg widenedCtx = ctxArg.isScalar() ? Reg.unknown() : ctxArg;
        pushCallbackFrame(again, callbackPc, callee.callsite, widenedCtx);
        c.pushBranch(callbackPc, again);
        c.state.frames.remove(c.state.frames.size() - 1);
        c.cur().regs[0] = Reg.unknown();
        c.cur().regs[3] = Reg.notInit();
        c.pc = callee.callsite + 1;
    }

    private static void widenScalars(FuncState f) {
        for (int s = 0; s < FuncState.SLOTS; s++) {
            if (f.isSpilled(s) && f.spilled[s].isScalar()) {
                f.spilled[s] = Reg.unknown();
            }
        }
        for (int i = 0; i < FuncState.STACK_BYTES; i++) {
            if (f.slotType[i] == FuncState.STACK_ZERO) {
                f.slotType[i] = FuncState.STACK_MISC;
            }
        }
        for (int r = 6; r <= 9; r++) {
            if (f.regs[r].isScalar()) {
                f.regs[r] = Reg.unknown();
            }
        }
    }

    private static String rangeMessage(String prefix, Scalar v) {
        StringBuilder b = new StringBuilder(prefix);
        boolean unknown = true;
        if (v.smin() > Long.MIN_VALUE) {
            b.append(" smin=").append(v.smin());
            unknown = false;
        }
        if (v.smax() < Long.MAX_VALUE) {
            b.append(" smax=").append(v.smax());
            unknown = false;
        }
        if (unknown) {
            b.append(" unknown scalar value");
        }
        return b.append(" should have been in [0, 1]").toString();
    }

    private Reg returnValue(HelperSpec spec, Meta meta) {
        switch (spec.ret()) {
            case INTEGER:
                return Reg.unknown();
            case VOID:
                return Reg.notInit();
            case PTR_TO_MAP_VALUE_OR_NULL:
                if (meta.mapIndex == Integer.MIN_VALUE) {
                    throw c.reject("kernel subsystem misconfigured verifier");
                }
                return Reg.pointer(RegType.MAP_VALUE).withMap(meta.mapIndex).withNullable(true).withId(c.newId());
            case PTR_TO_RINGBUF_MEM_OR_NULL: {
                int id = acquire();
                return Reg.pointer(RegType.RINGBUF_MEM).withNullable(true).withMemSize((int) meta.memSize).withId(id)
                    .withRefObjId(id);
            }
            default: {
                RegType t = switch (spec.ret()) {
                    case PTR_TO_TCP_SOCK_OR_NULL -> RegType.TCP_SOCK;
                    case PTR_TO_SOCK_COMMON_OR_NULL -> RegType.SOCK_COMMON;
                    default -> RegType.SOCKET;
                };
                Reg r = Reg.pointer(t).withNullable(true);
                if (spec.acquires()) {
                    int id = acquire();
                    return r.withId(id).withRefObjId(id);
                }
                return r.withId(c.newId()).withRefObjId(meta.refObjId);
            }
        }
    }

    private int acquire() {
        int id = c.newId();
        c.state.refs.add(new int[] {id, c.pc});
        return id;
    }

    private RuntimeException mismatch(int regno, Reg reg, String expected) {
        return c.reject("R" + regno + " type=" + reg.typeName() + " expected=" + expected);
    }

    private boolean isMemType(Reg r) {
        if (r.nullable()) {
            return false;
        }
        return switch (r.type()) {
            case STACK, PACKET, PACKET_META, MAP_KEY, MAP_VALUE, MEM, RINGBUF_MEM, BUF, TRUSTED_BTF_ID -> true;
            default -> false;
        };
    }

    private void checkArg(HelperSpec spec, int i, List<Arg> args, Meta meta) {
        int regno = i + 1;
        Arg arg = args.get(i);
        Reg reg = c.readReg(regno);
        if (reg.type().isPacket() && arg != Arg.ANYTHING && !PACKET_ACCESS.contains(spec.id())) {
            throw c.reject("helper access to the packet is not allowed");
        }
        switch (arg) {
            case ANYTHING -> {
            }
            case CONST_MAP_PTR -> {
                if (reg.type() != RegType.CONST_MAP || reg.nullable()) {
                    throw mismatch(regno, reg, "map_ptr");
                }
                meta.mapIndex = reg.mapIndex();
            }
            case PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, PTR_TO_UNINIT_MAP_VALUE -> {
                boolean ok = !reg.nullable() && switch (reg.type()) {
                    case STACK, PACKET, PACKET_META, MAP_KEY, MAP_VALUE -> true;
                    default -> false;
                };
                if (!ok) {
                    throw mismatch(regno, reg, KEY_VALUE_TYPES);
                }
                MapSpec map = mapOf(meta.mapIndex);
                if (meta.mapIndex == Integer.MIN_VALUE) {
                    throw c.reject("invalid map_ptr to access map->" + (arg == Arg.PTR_TO_MAP_KEY ? "key" : "value"));
                }
                if (map == null) {
                    throw c.reject("R" + regno + " map of unknown layout (inner map of a map-in-map)");
                }
                boolean write = arg == Arg.PTR_TO_UNINIT_MAP_VALUE;
                long size = arg == Arg.PTR_TO_MAP_KEY ? map.keySize() : map.valueSize();
                if (write && reg.type() == RegType.STACK && reg.var().isConstant()) {
                    c.memory.checkStackAccessWithinBounds(regno, reg, reg.off(), size, true);
                    meta.rawRegno = regno;
                    meta.rawSize = size;
                } else {
                    c.memory.helperMemAccess(regno, size, write, false);
                }
            }
            case PTR_TO_MEM_READONLY, PTR_TO_MEM, PTR_TO_UNINIT_MEM, PTR_TO_MEM_OR_NULL_READONLY -> {
                if (arg == Arg.PTR_TO_MEM_OR_NULL_READONLY && reg.isNull()) {
                    return;
                }
                if (!isMemType(reg)) {
                    throw mismatch(regno, reg, MEM_TYPES);
                }
            }
            case CONST_SIZE, CONST_SIZE_OR_ZERO -> {
                if (!reg.isScalar()) {
                    throw mismatch(regno, reg, "scalar");
                }
                checkMemSize(regno, reg, args.get(i - 1), arg == Arg.CONST_SIZE_OR_ZERO, meta);
            }
            case CONST_ALLOC_SIZE_OR_ZERO -> {
                if (!reg.isScalar()) {
                    throw mismatch(regno, reg, "scalar");
                }
                if (!reg.var().isConstant()) {
                    throw c.reject("R" + regno + " is not a known constant'");
                }
                meta.memSize = reg.var().constantValue();
            }
            case PTR_TO_CTX, PTR_TO_CTX_OR_NULL -> {
                if (arg == Arg.PTR_TO_CTX_OR_NULL && reg.isNull()) {
                    return;
                }
                if (reg.type() != RegType.CTX) {
                    throw mismatch(regno, reg, "ctx");
                }
                c.memory.checkPtrOffReg(regno, reg, false);
            }
            case PTR_TO_SOCK_COMMON, PTR_TO_SOCK_RELEASE -> {
                boolean ok = !reg.nullable() && (reg.type().isSocket() || reg.type() == RegType.BTF_ID
                    || reg.type() == RegType.TRUSTED_BTF_ID);
                if (!ok) {
                    throw mismatch(regno, reg, SOCK_TYPES);
                }
                if (arg == Arg.PTR_TO_SOCK_RELEASE) {
                    release(regno, reg, meta);
                } else if (reg.refObjId() != 0) {
                    meta.refObjId = reg.refObjId();
                }
            }
            case PTR_TO_RINGBUF_MEM -> {
                if (reg.type() != RegType.RINGBUF_MEM || reg.nullable()) {
                    throw mismatch(regno, reg, "ringbuf_mem");
                }
                release(regno, reg, meta);
            }
            case PTR_TO_FUNC -> {
                if (reg.type() != RegType.FUNC) {
                    throw mismatch(regno, reg, "func");
                }
                if (spec.id() != 181) {
                    throw c.reject("callback functions of " + spec.label() + " are not supported by this verifier");
                }
                meta.callbackPc = c.cfg.subprograms().get(reg.subprog()).start();
            }
            case PTR_TO_STACK_OR_NULL -> {
                if (!reg.isNull() && reg.type() != RegType.STACK) {
                    throw mismatch(regno, reg, "fp");
                }
            }
            case PTR_TO_LONG -> {
                if (!isMemType(reg)) {
                    throw mismatch(regno, reg, MEM_TYPES);
                }
                c.memory.helperMemAccess(regno, 8, true, false);
                if (reg.type() == RegType.STACK) {
                    meta.rawRegno = regno;
                    meta.rawSize = 8;
                }
            }
        }
    }

    private void release(int regno, Reg reg, Meta meta) {
        if (reg.off() != 0 || !reg.var().isConstant() || reg.var().constantValue() != 0) {
            throw c.reject("R" + regno + " must have zero offset when passed to release func or trusted arg to kfunc");
        }
        if (reg.refObjId() == 0) {
            throw c.reject("R" + regno + " must be referenced when passed to release function");
        }
        meta.refObjId = reg.refObjId();
        meta.releaseRegno = regno;
    }

    /** check_mem_size_reg: the size argument bounds the memory argument before it. */
    private void checkMemSize(int regno, Reg size, Arg memArg, boolean zeroOk, Meta meta) {
        Scalar v = size.var();
        if (v.smin() < 0) {
            throw c.reject("R" + regno + " min value is negative, either use unsigned or 'var &= const'");
        }
        if (v.umin() == 0 && !zeroOk) {
            throw c.reject("R" + regno + " invalid zero-sized read: u64=[" + v.umin() + "," + v.umax() + "]");
        }
        if (Long.compareUnsigned(v.umax(), 1L << 29) >= 0) {
            throw c.reject("R" + regno + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
        }
        int memRegno = regno - 1;
        Reg mem = c.regs()[memRegno];
        boolean write = memArg == Arg.PTR_TO_UNINIT_MEM || memArg == Arg.PTR_TO_MEM;
        if (mem.isNull() && zeroOk && memArg == Arg.PTR_TO_MEM_OR_NULL_READONLY) {
            if (v.umax() != 0) {
                throw c.reject("R" + memRegno + " type=scalar expected=fp");
            }
            return;
        }
        if (memArg == Arg.PTR_TO_UNINIT_MEM && mem.type() == RegType.STACK && v.isConstant()) {
            if (v.umax() == 0 && !zeroOk) {
                throw c.reject("invalid zero-sized read");
            }
            c.memory.checkStackAccessWithinBounds(memRegno, mem, mem.off(), v.umax(), true);
            meta.rawRegno = memRegno;
            meta.rawSize = v.umax();
            return;
        }
        c.memory.helperMemAccess(memRegno, v.umax(), write, zeroOk);
    }

    private MapSpec mapOf(int index) {
        if (index == Integer.MIN_VALUE) {
            return null;
        }
        return c.map(index);
    }

    /** check_map_func_compatibility: map types that only certain helpers may use, and the reverse. */
    private void checkMapFuncCompatibility(HelperSpec spec, int mapIndex) {
        MapSpec map = mapOf(mapIndex);
        if (map == null) {
            return;
        }
        int t = map.type();
        int f = spec.id();
        boolean ok = switch (t) {
            case 3 -> f == 12;
            case 4 -> f == 22 || f == 25 || f == 55 || f == 111 || f == 121;
            case 27 -> f == 130 || f == 131 || f == 134;
            case 7 -> f == 27 || f == 67 || f == 141;
            case 8 -> f == 33 || f == 37;
            case 12, 13 -> f == 1;
            // devices and AF_XDP sockets may be looked up (read-only values); CPUs only redirected to
            case 14, 25, 17 -> f == 51 || f == 1;
            case 16 -> f == 51;
            case 22, 23 -> f == 87 || f == 88 || f == 89;
            default -> true;
        };
        if (ok) {
            ok = switch (f) {
                case 12 -> t == 3;
                case 22, 25, 55, 111, 121 -> t == 4;
                case 130, 131, 134 -> t == 27;
                case 27 -> t == 7;
                case 33, 37 -> t == 8;
                case 51 -> t == 14 || t == 25 || t == 16 || t == 17; // DEVMAP(_HASH), CPUMAP, XSKMAP
                case 87, 88, 89 -> t == 22 || t == 23;
                default -> true;
            };
        }
        if (!ok) {
            throw c.reject("cannot pass map_type " + t + " into func " + spec.label());
        }
    }
}
