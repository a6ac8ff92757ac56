package io.ebpfjvm.verifier;

import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.verifier.scalar.Scalar;
import io.ebpfjvm.verifier.scalar.Tnum;
import io.ebpfjvm.verifier.state.FuncState;
import io.ebpfjvm.verifier.state.Reg;
import io.ebpfjvm.verifier.state.RegType;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Loads, stores, atomics, wide constants and legacy packet loads (the kernel's
 * check_mem_access and its per-region checks): stack slots with spills, context fields,
 * packet ranges, map values and ring-buffer records.
 */
final class MemoryChecks {
    private static final long MAX_VAR_SIZ = 1L << 29;
    private static final int MAP_F_RDONLY_PROG = 1 << 7;
    private static final int MAP_F_WRONLY_PROG = 1 << 8;

    private final Checker c;

    MemoryChecks(Checker c) {
        this.c = c;
    }

    static int sizeBytes(int opcode) {
        return switch (opcode & 0x18) {
            case BPF_W -> 4;
            case BPF_H -> 2;
            case BPF_B -> 1;
            default -> 8;
        };
    }

    void checkLdx(Instruction insn) {
        int mode = insn.opcode() & 0xe0;
        if ((mode != BPF_MEM && mode != BPF_MEMSX) || insn.imm() != 0) {
            throw c.reject("BPF_LDX uses reserved fields");
        }
        int size = sizeBytes(insn.opcode());
        if (mode == BPF_MEMSX && size == 8) {
            throw c.reject("BPF_LDX uses reserved fields");
        }
        Reg src = c.readReg(insn.src());
        c.checkWritable(insn.dst());
        checkMemAccess(insn.src(), insn.offset(), size, false, insn.dst(), mode == BPF_MEMSX, false);
        saveAuxPtrType(src);
    }

    void checkStx(Instruction insn) {
        int mode = insn.opcode() & 0xe0;
        if (mode == BPF_ATOMIC) {
            checkAtomic(insn);
            return;
        }
        if (mode != BPF_MEM || insn.imm() != 0) {
            throw c.reject("BPF_STX uses reserved fields");
        }
        c.readReg(insn.src());
        Reg dst = c.readReg(insn.dst());
        checkMemAccess(insn.dst(), insn.offset(), sizeBytes(insn.opcode()), true, insn.src(), false, false);
        saveAuxPtrType(dst);
    }

    void checkSt(Instruction insn) {
        if ((insn.opcode() & 0xe0) != BPF_MEM || insn.src() != 0) {
            throw c.reject("BPF_ST uses reserved fields");
        }
        Reg dst = c.readReg(insn.dst());
        checkMemAccess(insn.dst(), insn.offset(), sizeBytes(insn.opcode()), true, -1, false, false, insn);
        saveAuxPtrType(dst);
    }

    private void checkAtomic(Instruction insn) {
        int imm = insn.imm();
        boolean known = imm == BPF_ADD || imm == (BPF_ADD | BPF_FETCH) || imm == BPF_AND || imm == (BPF_AND | BPF_FETCH)
            || imm == BPF_OR || imm == (BPF_OR | BPF_FETCH) || imm == BPF_XOR || imm == (BPF_XOR | BPF_FETCH)
            || imm == BPF_XCHG || imm == BPF_CMPXCHG;
        if (!known) {
            throw c.reject("BPF_ATOMIC uses invalid atomic opcode " + String.format("%02x", imm));
        }
        int size = sizeBytes(insn.opcode());
        if (size != 4 && size != 8) {
            throw c.reject("invalid atomic operand size");
        }
        c.readReg(insn.src());
        Reg dst = c.readReg(insn.dst());
        if (imm == BPF_CMPXCHG) {
            c.readReg(0);
        }
        if (dst.type() == RegType.CTX || dst.type().isPacket() || dst.type() == RegType.FLOW_KEYS || dst.type().isSocket()) {
            throw c.reject("BPF_ATOMIC stores into R" + insn.dst() + " " + dst.typeName() + " is not allowed");
        }
        int loadReg = -1;
        if ((imm & BPF_FETCH) != 0) {
            loadReg = imm == BPF_CMPXCHG ? 0 : insn.src();
            c.checkWritable(loadReg);
        }
        checkMemAccess(insn.dst(), insn.offset(), size, false, -1, false, true);
        if (loadReg >= 0) {
            checkMemAccess(insn.dst(), insn.offset(), size, false, loadReg, false, true);
            Reg loaded = c.regs()[loadReg];
            if (loaded.isPointer()) {
                c.setReg(loadReg, Reg.unknown());
            }
        }
        checkMemAccess(insn.dst(), insn.offset(), size, true, -1, false, true);
    }

    /** save_aux_ptr_type: one instruction may not touch the context on one path and other memory on another. */
    private void saveAuxPtrType(Reg reg) {
        RegType t = reg.type();
        RegType prev = c.auxPtrType[c.pc];
        if (prev == null) {
            c.auxPtrType[c.pc] = t;
        } else if (prev != t && (!mismatchOk(t) || !mismatchOk(prev))) {
            throw c.reject("same insn cannot be used with different pointers");
        }
    }

    private static boolean mismatchOk(RegType t) {
        return switch (t) {
            case CTX, SOCKET, SOCK_COMMON, TCP_SOCK, XDP_SOCK, BTF_ID, TRUSTED_BTF_ID -> false;
            default -> true;
        };
    }

    void checkMemAccess(int regno, int off, int size, boolean write, int valueRegno, boolean signExtend, boolean strict) {
        checkMemAccess(regno, off, size, write, valueRegno, signExtend, strict, null);
    }

    /**
     * check_mem_access: {@code size} bytes at {@code reg + off}; a read stores its value in
     * {@code valueRegno} (when >= 0), a write stores that register (or the ST immediate).
     */
    void checkMemAccess(int regno, int off, int size, boolean write, int valueRegno, boolean signExtend, boolean strict,
                        Instruction stImm) {
        Reg reg = c.regs()[regno];
        checkAlignment(reg, off, size, strict);
        int total = off + reg.off();
        Reg value = write && valueRegno >= 0 ? c.regs()[valueRegno] : null;
        switch (reg.nullable() ? RegType.NOT_INIT : reg.type()) {
            case MAP_VALUE -> {
                MapSpec map = c.map(reg.mapIndex());
                int valueSize = map == null ? 0 : map.valueSize();
                checkMapAccessType(regno, map, total, size, write);
                checkMemRegion(regno, reg, total, size, valueSize, false);
                boolean known = reg.mapIndex() >= 0; // values of inner maps are not in the program's map set
                c.recordAccess(new MemoryAccess(known ? RegionKind.MAP_VALUE : RegionKind.ANY, known ? reg.mapIndex() : -1, -1,
                    total + reg.var().smin(),
                    total + reg.var().umax(), size));
                if (!write && valueRegno >= 0) {
                    c.setReg(valueRegno, readOnlyValue(map, reg, total, size, signExtend));
                }
            }
            case MEM, RINGBUF_MEM -> {
                checkMemRegion(regno, reg, total, size, reg.memSize(), false);
                c.recordAccess(new MemoryAccess(reg.type() == RegType.RINGBUF_MEM ? RegionKind.RINGBUF_MEM : RegionKind.ANY, -1, -1,
                    total + reg.var().smin(), total + reg.var().umax(), size));
                if (!write && valueRegno >= 0) {
                    c.setReg(valueRegno, Reg.unknown());
                }
            }
            case CTX -> {
                checkPtrOffReg(regno, reg, false);
                ContextRules.Field field = ContextRules.access(c.type, total, size, write);
                // a sign-extending load cannot be rewritten into a packet pointer load
                if (field == null || (signExtend && field.type() != RegType.SCALAR)) {
                    throw c.reject("invalid bpf_context access off=" + total + " size=" + size);
                }
                c.recordAccess(new MemoryAccess(RegionKind.CONTEXT, -1, -1, total, total, size));
                if (!write && valueRegno >= 0) {
                    if (field.type() == RegType.SCALAR) {
                        c.setReg(valueRegno, Reg.unknown());
                    } else {
                        Reg p = Reg.pointer(field.type()).withNullable(field.nullable());
                        if (field.nullable()) {
                            p = p.withId(c.newId());
                        }
                        c.setReg(valueRegno, p);
                    }
                }
            }
            case STACK -> {
                checkStackAccessWithinBounds(regno, reg, total, size, write);
                FuncState frame = c.state.frames.get(reg.frameNo());
                c.recordAccess(new MemoryAccess(RegionKind.STACK, -1, c.state.curFrame() - reg.frameNo(),
                    total + reg.var().smin(), total + reg.var().smax(), size));
                if (write) {
                    if (reg.var().isConstant()) {
                        stackWriteFixed(frame, (int) (total + reg.var().constantValue()), size, value, stImm, valueRegno);
                    } else {
                        stackWriteVar(frame, reg, total, size, value, stImm);
                    }
                } else if (reg.var().isConstant()) {
                    stackReadFixed(frame, (int) (total + reg.var().constantValue()), size, valueRegno);
                } else {
                    stackReadVar(frame, reg, total, size, valueRegno);
                }
            }
            case PACKET, PACKET_META -> {
                if (write && !mayWritePacket()) {
                    throw c.reject("cannot write into packet");
                }
                checkPacketAccess(regno, reg, total, size, false);
                c.recordAccess(new MemoryAccess(reg.type() == RegType.PACKET ? RegionKind.PACKET : RegionKind.PACKET_META,
                    -1, -1, total + reg.var().umin(), total + reg.var().umax(), size));
                if (!write && valueRegno >= 0) {
                    c.setReg(valueRegno, Reg.unknown());
                }
            }
            case FLOW_KEYS -> {
                checkMemRegion(regno, reg, total, size, 56, false);
                c.recordAccess(new MemoryAccess(RegionKind.ANY, -1, -1, total, total, size));
                if (!write && valueRegno >= 0) {
                    c.setReg(valueRegno, Reg.unknown());
                }
            }
            case SOCKET, SOCK_COMMON, TCP_SOCK, XDP_SOCK -> {
                if (write) {
                    throw c.reject("R" + regno + " cannot write into " + reg.typeName());
                }
                checkPtrOffReg(regno, reg, false);
                if (total < 0 || total % size != 0 || total + size > 80 || size > 4) {
                    throw c.reject("R" + regno + " invalid " + reg.typeName() + " access off=" + total + " size=" + size);
                }
                c.recordAccess(new MemoryAccess(RegionKind.ANY, -1, -1, total, total, size));
                if (valueRegno >= 0) {
                    c.setReg(valueRegno, Reg.unknown());
                }
            }
            default -> throw c.reject("R" + regno + " invalid mem access '" + reg.typeName() + "'");
        }
        if (!write && valueRegno >= 0 && size < 8) {
            Reg v = c.regs()[valueRegno];
            if (v.isScalar()) {
                Scalar s = signExtend ? v.var().signExtend(size * 8) : v.var().zeroExtend(size);
                c.setReg(valueRegno, v.withVar(s));
            }
        }
    }

    private boolean mayWritePacket() {
        return c.type != ProgramType.CGROUP_SKB;
    }

    private void checkMapAccessType(int regno, MapSpec map, int off, int size, boolean write) {
        if (map == null) {
            return;
        }
        boolean rdonly = map.readOnly() || (map.flags() & MAP_F_RDONLY_PROG) != 0;
        if (write && rdonly) {
            throw c.reject("write into map forbidden, value_size=" + map.valueSize() + " off=" + off + " size=" + size);
        }
        if (!write && (map.flags() & MAP_F_WRONLY_PROG) != 0) {
            throw c.reject("read from map forbidden, value_size=" + map.valueSize() + " off=" + off + " size=" + size);
        }
    }

    private Reg readOnlyValue(MapSpec map, Reg reg, int off, int size, boolean signExtend) {
        if (map != null && map.readOnly() && map.initialData() != null && reg.var().isConstant()) {
            long start = off + reg.var().constantValue();
            byte[] data = map.initialData();
            if (start >= 0 && start + size <= data.length) {
                long v = 0;
                for (int i = size - 1; i >= 0; i--) {
                    v = (v << 8) | (data[(int) start + i] & 0xff);
                }
                return Reg.constant(v);
            }
        }
        return Reg.unknown();
    }

    /** check_ptr_alignment: the stack and atomics need natural alignment; other regions do not on x86-64. */
    private void checkAlignment(Reg reg, int off, int size, boolean strict) {
        String desc;
        switch (reg.type()) {
            case PACKET, PACKET_META:
                return;
            case STACK:
                desc = "stack ";
                strict = true;
                break;
            case MAP_VALUE:
                desc = "value ";
                break;
            case MAP_KEY:
                desc = "key ";
                break;
            case CTX:
                desc = "context ";
                break;
            case FLOW_KEYS:
                desc = "flow keys ";
                break;
            case SOCKET:
                desc = "sock ";
                break;
            case SOCK_COMMON:
                desc = "sock_common ";
                break;
            case TCP_SOCK:
                desc = "tcp_sock ";
                break;
            default:
                desc = "";
        }
        if (!strict || size == 1) {
            return;
        }
        Tnum t = reg.var().tnum().add(Tnum.constant((long) reg.off() + off));
        if (!t.isAligned(size)) {
            String tn = reg.var().tnum().isConst() ? Long.toString(reg.var().tnum().value()) : tnumString(reg.var().tnum());
            throw c.reject("misaligned " + desc + "access off " + tn + "+" + reg.off() + "+" + off + " size " + size);
        }
    }

    static String tnumString(Tnum t) {
        return "(0x" + Long.toHexString(t.value()) + "; 0x" + Long.toHexString(t.mask()) + ")";
    }

    /** __check_ptr_off_reg: context and socket pointers must be used unmodified. */
    void checkPtrOffReg(int regno, Reg reg, boolean fixedOffOk) {
        if (reg.off() < 0) {
            throw c.reject("negative offset " + reg.typeName() + " ptr R" + regno + " off=" + reg.off() + " disallowed");
        }
        if (!fixedOffOk && reg.off() != 0) {
            throw c.reject("dereference of modified " + reg.typeName() + " ptr R" + regno + " off=" + reg.off() + " disallowed");
        }
        if (!reg.var().isConstant() || reg.var().constantValue() != 0) {
            throw c.reject("variable " + reg.typeName() + " access var_off=" + tnumString(reg.var().tnum()) + " disallowed");
        }
    }

    /** check_mem_region_access: both ends of the variable offset must stay inside {@code memSize}. */
    void checkMemRegion(int regno, Reg reg, long off, long size, long memSize, boolean zeroOk) {
        Scalar v = reg.var();
        if (v.smin() < 0 && (v.smin() == Long.MIN_VALUE || (off + v.smin()) != (int) (off + v.smin()) || v.smin() + off < 0)) {
            throw c.reject("R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        if (!memOk(off + v.smin(), size, memSize, zeroOk)) {
            memError(reg, regno, off + v.smin(), size, memSize);
            throw c.reject("R" + regno + " min value is outside of the allowed memory range");
        }
        if (Long.compareUnsigned(v.umax(), AluChecks.MAX_VAR_OFF) >= 0) {
            throw c.reject("R" + regno + " unbounded memory access, make sure to bounds check any such access");
        }
        if (!memOk(off + v.umax(), size, memSize, zeroOk)) {
            memError(reg, regno, off + v.umax(), size, memSize);
            throw c.reject("R" + regno + " max value is outside of the allowed memory range");
        }
    }

    private static boolean memOk(long off, long size, long memSize, boolean zeroOk) {
        boolean sizeOk = size > 0 || (size == 0 && zeroOk);
        return off >= 0 && sizeOk && off + size <= memSize;
    }

    /** The line __check_mem_access logs before the final message. */
    private void memError(Reg reg, int regno, long off, long size, long memSize) {
        String line = switch (reg.type()) {
            case MAP_KEY -> "invalid access to map key, key_size=" + memSize + " off=" + off + " size=" + size;
            case MAP_VALUE -> "invalid access to map value, value_size=" + memSize + " off=" + off + " size=" + size;
            case PACKET, PACKET_META, PACKET_END -> "invalid access to packet, off=" + off + " size=" + size + ", R" + regno
                + "(id=" + reg.id() + ",off=" + off + ",r=" + memSize + ")";
            default -> "invalid access to memory, mem_size=" + memSize + " off=" + off + " size=" + size;
        };
        c.log.append(line).append('\n');
    }

    /** check_packet_access: the fixed offset must lie within the range proven against data_end. */
    void checkPacketAccess(int regno, Reg reg, long off, long size, boolean zeroOk) {
        if (reg.var().smin() < 0) {
            throw c.reject("R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        if (reg.range() < 0 || !memOk(off, size, reg.range(), zeroOk)) {
            if (reg.range() >= 0) {
                memError(reg, regno, off, size, reg.range());
            }
            throw c.reject("R" + regno + " offset is outside of the packet");
        }
    }

    /** check_stack_access_within_bounds. */
    void checkStackAccessWithinBounds(int regno, Reg reg, long off, long size, boolean write) {
        String extra = write ? " write to" : " read from";
        long min;
        long max;
        Scalar v = reg.var();
        if (v.isConstant()) {
            min = v.constantValue() + off;
            max = min + size;
        } else {
            if (v.smax() >= AluChecks.MAX_VAR_OFF || v.smin() <= -AluChecks.MAX_VAR_OFF) {
                throw c.reject("invalid unbounded variable-offset" + extra + " stack R" + regno);
            }
            min = v.smin() + off;
            max = v.smax() + off + size;
        }
        boolean bad = min < -FuncState.STACK_BYTES || min > -1 || max > 0 || size < 0;
        if (bad) {
            if (v.isConstant()) {
                throw c.reject("invalid" + extra + " stack R" + regno + " off=" + off + " size=" + size);
            }
            throw c.reject("invalid variable-offset" + extra + " stack R" + regno + " var_off=" + tnumString(v.tnum())
                + " off=" + off + " size=" + size);
        }
        FuncState frame = c.state.frames.get(reg.frameNo());
        frame.growStack((int) -min);
        int sub = frame.subprog;
        c.subprogStackDepth[sub] = Math.max(c.subprogStackDepth[sub], frame.allocatedStack);
    }

    private void stackWriteFixed(FuncState frame, int off, int size, Reg value, Instruction stImm, int valueRegno) {
        int slot = -off - 1;
        int spi = slot / 8;
        if (value != null && value.isPointer() && frame != c.cur() && value.type() == RegType.STACK) {
            throw c.reject("cannot spill pointers to stack into stack frame of the caller");
        }
        if (value != null && off % 8 == 0 && value.isScalar()) {
            Reg spill = value;
            boolean fits = Long.compareUnsigned(value.var().umax(), size == 8 ? -1L : (1L << (size * 8)) - 1) <= 0;
            if (fits && value.id() == 0 && !value.var().isConstant() && valueRegno >= 0) {
                // a spill links the stack copy and the register, like a move
                spill = value.withId(c.newId());
                c.setReg(valueRegno, spill);
            }
            if (!fits) {
                spill = spill.withId(0).withOff(0); // an unlinked scalar carries no delta
            }
            saveSpill(frame, spi, spill, size);
        } else if (value == null && off % 8 == 0 && stImm != null) {
            saveSpill(frame, spi, Reg.constant(stImm.imm()), size);
        } else if (value != null && value.isPointer()) {
            if (size != 8) {
                throw c.reject("invalid size of register spill");
            }
            saveSpill(frame, spi, value, size);
        } else {
            byte type = FuncState.STACK_MISC;
            if ((value != null && value.isNull()) || (value == null && stImm != null && stImm.imm() == 0)) {
                type = FuncState.STACK_ZERO;
            }
            scrubSpill(frame, spi);
            for (int i = 0; i < size; i++) {
                frame.slotType[slot - i] = type;
            }
        }
    }

    private static void saveSpill(FuncState frame, int spi, Reg value, int size) {
        frame.spilled[spi] = value;
        for (int i = 8; i > 8 - size; i--) {
            frame.slotType[spi * 8 + i - 1] = FuncState.STACK_SPILL;
        }
        for (int i = 8 - size; i > 0; i--) {
            byte t = frame.slotType[spi * 8 + i - 1];
            if (t != FuncState.STACK_ZERO && t != FuncState.STACK_INVALID) {
                frame.slotType[spi * 8 + i - 1] = FuncState.STACK_MISC;
            }
        }
    }

    private static void scrubSpill(FuncState frame, int spi) {
        if (frame.slotType[spi * 8 + 7] == FuncState.STACK_SPILL || frame.spilled[spi].isInit()) {
            for (int i = 0; i < 8; i++) {
                if (frame.slotType[spi * 8 + i] == FuncState.STACK_SPILL) {
                    frame.slotType[spi * 8 + i] = FuncState.STACK_MISC;
                }
            }
        }
        frame.spilled[spi] = Reg.notInit();
    }

    private void stackWriteVar(FuncState frame, Reg reg, long off, int size, Reg value, Instruction stImm) {
        long min = reg.var().smin() + off;
        long max = reg.var().smax() + off + size;
        boolean zero = (value != null && value.isNull()) || (value == null && stImm != null && stImm.imm() == 0);
        for (long i = min; i < max; i++) {
            int slot = (int) (-i - 1);
            int spi = slot / 8;
            scrubSpill(frame, spi);
            byte t = frame.slotType[slot];
            frame.slotType[slot] = zero && t == FuncState.STACK_ZERO ? FuncState.STACK_ZERO : FuncState.STACK_MISC;
        }
    }

    private void stackReadFixed(FuncState frame, int off, int size, int dstRegno) {
        int slot = -off - 1;
        int spi = slot / 8;
        if (frame.isSpilled(spi)) {
            Reg spilled = frame.spilled[spi];
            int spillSize = 1;
            for (int i = 7; i > 0 && frame.type(spi, i - 1) == FuncState.STACK_SPILL; i--) {
                spillSize++;
            }
            if (size != 8 || spillSize != 8) {
                if (!spilled.isScalar()) {
                    throw c.reject("invalid size of register fill");
                }
                if (dstRegno < 0) {
                    return;
                }
                if (size <= spillSize && off % 8 == 0) {
                    Reg r = spilled;
                    if (Long.compareUnsigned(spilled.var().umax(), size == 8 ? -1L : (1L << (size * 8)) - 1) > 0) {
                        r = r.withId(0).withOff(0);
                    }
                    c.setReg(dstRegno, r);
                } else {
                    int spills = 0;
                    int zeros = 0;
                    for (int i = 0; i < size; i++) {
                        byte t = frame.slotType[slot - i];
                        if (t == FuncState.STACK_SPILL) {
                            spills++;
                        } else if (t == FuncState.STACK_ZERO) {
                            zeros++;
                        }
                    }
                    boolean spillZero = spills == size && spilled.var().isConstant() && spilled.var().constantValue() == 0;
                    c.setReg(dstRegno, spillZero || zeros == size ? Reg.constant(0) : Reg.unknown());
                }
                return;
            }
            if (dstRegno >= 0) {
                c.setReg(dstRegno, spilled);
            }
            return;
        }
        if (dstRegno < 0) {
            return;
        }
        boolean allZero = true;
        for (int i = 0; i < size; i++) {
            if (frame.slotType[slot - i] != FuncState.STACK_ZERO) {
                allZero = false;
            }
        }
        c.setReg(dstRegno, allZero ? Reg.constant(0) : Reg.unknown());
    }

    private void stackReadVar(FuncState frame, Reg reg, long off, int size, int dstRegno) {
        long min = reg.var().smin() + off;
        long max = reg.var().smax() + off + size;
        boolean allZero = true;
        for (long i = min; i < max; i++) {
            int slot = (int) (-i - 1);
            byte t = frame.slotType[slot];
            boolean spilledZero = t == FuncState.STACK_SPILL && frame.spilled[slot / 8].isNull();
            if (t != FuncState.STACK_ZERO && !spilledZero) {
                allZero = false;
            }
        }
        if (dstRegno >= 0) {
            c.setReg(dstRegno, allZero ? Reg.constant(0) : Reg.unknown());
        }
    }

    /** Marks {@code size} stack bytes from {@code reg + off} as written by a helper (raw mode). */
    void helperWritesStack(Reg reg, long size) {
        if (!reg.var().isConstant()) {
            return;
        }
        FuncState frame = c.state.frames.get(reg.frameNo());
        long start = reg.off() + reg.var().constantValue();
        for (long i = start; i < start + size; i++) {
            int slot = (int) (-i - 1);
            if (slot < 0 || slot >= FuncState.STACK_BYTES) {
                continue;
            }
            scrubSpill(frame, slot / 8);
            frame.slotType[slot] = FuncState.STACK_MISC;
        }
    }

    /** check_stack_range_initialized for helper arguments (a CAP_PERFMON loader may pass uninitialised stack). */
    void checkStackRange(int regno, Reg reg, long size, boolean zeroOk, boolean write) {
        if (size == 0 && !zeroOk) {
            throw c.reject("invalid zero-sized read");
        }
        checkStackAccessWithinBounds(regno, reg, reg.off(), size, write);
        if (write && reg.var().isConstant()) {
            return;
        }
        if (write) {
            long min = reg.var().smin() + reg.off();
            long max = reg.var().smax() + reg.off() + size;
            FuncState frame = c.state.frames.get(reg.frameNo());
            for (long i = min; i < max; i++) {
                int slot = (int) (-i - 1);
                if (slot >= 0 && slot < FuncState.STACK_BYTES) {
                    scrubSpill(frame, slot / 8);
                    frame.slotType[slot] = FuncState.STACK_MISC;
                }
            }
        }
    }

    void checkLdImm(Instruction insn) {
        if ((insn.opcode() & 0x18) != BPF_DW) {
            throw c.reject("invalid BPF_LD_IMM insn");
        }
        if (insn.offset() != 0) {
            throw c.reject("BPF_LD_IMM64 uses reserved fields");
        }
        if (c.pc + 1 >= c.slots.size()) {
            throw c.reject("invalid BPF_LD_IMM insn");
        }
        c.checkWritable(insn.dst());
        Instruction next = c.slots.get(c.pc + 1);
        switch (insn.src()) {
            case BPF_PSEUDO_NONE -> c.setReg(insn.dst(), Reg.constant(insn.wideImmediate(next)));
            case BPF_PSEUDO_FUNC -> {
                int target = c.pc + 1 + insn.imm();
                c.setReg(insn.dst(), Reg.pointer(RegType.FUNC).withSubprog(c.subprogOfPc[target]));
            }
            case BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_IDX -> {
                checkMapIndex(insn.imm());
                c.setReg(insn.dst(), Reg.pointer(RegType.CONST_MAP).withMap(insn.imm()));
            }
            case BPF_PSEUDO_MAP_VALUE, BPF_PSEUDO_MAP_IDX_VALUE -> {
                MapSpec map = checkMapIndex(insn.imm());
                long off = next.imm() & 0xffffffffL;
                if (off >= map.valueSize()) {
                    throw c.reject("invalid access to map value pointer, value_size=" + map.valueSize() + " off=" + off);
                }
                c.setReg(insn.dst(), Reg.pointer(RegType.MAP_VALUE).withMap(insn.imm()).withOff((int) off));
            }
            default -> throw c.reject("unrecognized bpf_ld_imm64 insn");
        }
    }

    private MapSpec checkMapIndex(int index) {
        MapSpec m = c.map(index);
        if (m == null) {
            throw c.reject("fd " + index + " is not pointing to valid bpf_map");
        }
        return m;
    }

    void checkLdAbs(Instruction insn) {
        if (c.type != ProgramType.SOCKET_FILTER && c.type != ProgramType.SCHED_CLS) {
            throw c.reject("BPF_LD_[ABS|IND] instructions not allowed for this program type");
        }
        int mode = insn.opcode() & 0xe0;
        if (insn.dst() != 0 || insn.offset() != 0 || (insn.opcode() & 0x18) == BPF_DW || (mode == BPF_ABS && insn.src() != 0)) {
            throw c.reject("BPF_LD_[ABS|IND] uses reserved fields");
        }
        c.readReg(6);
        if (!c.state.refs.isEmpty()) {
            throw c.reject("BPF_LD_[ABS|IND] would lead to reference leak");
        }
        Reg ctx = c.regs()[6];
        if (ctx.type() != RegType.CTX) {
            throw c.reject("at the time of BPF_LD_ABS|IND R6 != pointer to skb");
        }
        if (mode == BPF_IND) {
            c.readReg(insn.src());
        }
        checkPtrOffReg(6, ctx, false);
        for (int r = 1; r <= 5; r++) {
            c.setReg(r, Reg.notInit());
        }
        int size = sizeBytes(insn.opcode());
        c.setReg(0, Reg.scalar(Scalar.unknown().zeroExtend(size)));
    }

    /** check_helper_mem_access: {@code size} bytes at the pointer in {@code regno} for a helper. */
    void helperMemAccess(int regno, long size, boolean write, boolean zeroOk) {
        Reg reg = c.regs()[regno];
        switch (reg.nullable() ? RegType.NOT_INIT : reg.type()) {
            case PACKET, PACKET_META -> checkPacketAccess(regno, reg, reg.off(), size, zeroOk);
            case MAP_KEY -> {
                if (write) {
                    throw c.reject("R" + regno + " cannot write into " + reg.typeName());
                }
                MapSpec m = c.map(reg.mapIndex());
                checkMemRegion(regno, reg, reg.off(), size, m == null ? 0 : m.keySize(), false);
            }
            case MAP_VALUE -> {
                MapSpec m = c.map(reg.mapIndex());
                checkMapAccessType(regno, m, reg.off(), (int) size, write);
                checkMemRegion(regno, reg, reg.off(), size, m == null ? 0 : m.valueSize(), zeroOk);
            }
            case MEM, RINGBUF_MEM -> checkMemRegion(regno, reg, reg.off(), size, reg.memSize(), zeroOk);
            case STACK -> checkStackRange(regno, reg, size, zeroOk, write);
            default -> {
                if (zeroOk && size == 0 && reg.isNull()) {
                    return;
                }
                throw c.reject("R" + regno + " type=" + reg.typeName() + " expected=fp");
            }
        }
    }
}
