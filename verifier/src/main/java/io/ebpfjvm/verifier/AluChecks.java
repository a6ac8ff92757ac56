package io.ebpfjvm.verifier;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.verifier.scalar.Scalar;
import io.ebpfjvm.verifier.state.Reg;
import io.ebpfjvm.verifier.state.RegType;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * ALU instructions (the kernel's check_alu_op, adjust_reg_min_max_vals and
 * adjust_ptr_min_max_vals): scalar transfer functions, and the pointer arithmetic a
 * privileged loader may do.
 */
final class AluChecks {
    /** The kernel's BPF_MAX_VAR_OFF: larger pointer offsets are refused outright. */
    static final long MAX_VAR_OFF = 1L << 29;
    private static final String[] OP_STRING = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=",
        "s>>=", "endian"};

    private final Checker c;

    AluChecks(Checker c) {
        this.c = c;
    }

    static String opString(int op) {
        return OP_STRING[op >> 4];
    }

    void check(Instruction insn) {
        int op = insn.op();
        boolean is64 = insn.cls() == BPF_ALU64;
        boolean srcX = (insn.opcode() & BPF_X) != 0;
        if (op == BPF_END || op == BPF_NEG) {
            if (op == BPF_NEG) {
                if (srcX || insn.src() != 0 || insn.offset() != 0 || insn.imm() != 0) {
                    throw c.reject("BPF_NEG uses reserved fields");
                }
            } else if (insn.src() != 0 || insn.offset() != 0 || (insn.imm() != 16 && insn.imm() != 32 && insn.imm() != 64)
                || (is64 && srcX)) {
                throw c.reject("BPF_END uses reserved fields");
            }
            Reg dst = c.readReg(insn.dst());
            c.checkWritable(insn.dst());
            if (!dst.isScalar()) {
                c.setReg(insn.dst(), Reg.unknown());
                return;
            }
            Scalar v = op == BPF_NEG ? dst.var().alu(BPF_NEG, dst.var(), is64)
                : dst.var().byteSwap(insn.imm(), is64 || srcX);
            c.setReg(insn.dst(), Reg.scalar(v));
            return;
        }
        if (op == BPF_MOV) {
            mov(insn, is64, srcX);
            return;
        }
        if (op > BPF_END) {
            throw c.reject("invalid BPF_ALU opcode " + Integer.toHexString(op));
        }
        boolean signedDiv = insn.offset() == 1;
        if (srcX) {
            if (insn.imm() != 0 || (insn.offset() != 0 && insn.offset() != 1) || (signedDiv && op != BPF_MOD && op != BPF_DIV)) {
                throw c.reject("BPF_ALU uses reserved fields");
            }
            c.readReg(insn.src());
        } else if (insn.src() != 0 || (insn.offset() != 0 && insn.offset() != 1) || (signedDiv && op != BPF_MOD && op != BPF_DIV)) {
            throw c.reject("BPF_ALU uses reserved fields");
        }
        Reg dst = c.readReg(insn.dst());
        if ((op == BPF_MOD || op == BPF_DIV) && !srcX && insn.imm() == 0) {
            throw c.reject("div by zero");
        }
        if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && !srcX) {
            int size = is64 ? 64 : 32;
            if (insn.imm() < 0 || insn.imm() >= size) {
                throw c.reject("invalid shift " + insn.imm());
            }
        }
        c.checkWritable(insn.dst());
        Reg src = srcX ? c.regs()[insn.src()] : Reg.constant(insn.imm());
        if (srcX && src.isPointer()) {
            if (dst.isPointer()) {
                if (op == BPF_SUB) {
                    c.setReg(insn.dst(), Reg.unknown());
                    return;
                }
                throw c.reject("R" + insn.dst() + " pointer " + opString(op) + " pointer prohibited");
            }
            c.setReg(insn.dst(), pointerArith(insn, src, dst, true, is64));
            return;
        }
        if (dst.isPointer()) {
            c.setReg(insn.dst(), pointerArith(insn, dst, src, false, is64));
            return;
        }
        Scalar result = dst.var().alu(op, insn.offset(), src.var(), is64);
        c.setReg(insn.dst(), LinkedScalars.afterAlu(insn, dst, src, srcX, is64, result));
    }

    private void mov(Instruction insn, boolean is64, boolean srcX) {
        int off = insn.offset();
        if (srcX) {
            boolean okOff = off == 0 || off == 8 || off == 16 || (is64 && off == 32);
            if (!okOff || insn.imm() != 0) {
                throw c.reject("BPF_MOV uses reserved fields");
            }
            c.readReg(insn.src());
        } else if (insn.src() != 0 || off != 0) {
            throw c.reject("BPF_MOV uses reserved fields");
        }
        c.checkWritable(insn.dst());
        if (!srcX) {
            c.setReg(insn.dst(), Reg.constant(is64 ? insn.imm() : insn.imm() & 0xffffffffL));
            return;
        }
        Reg src = c.regs()[insn.src()];
        if (is64) {
            if (off == 0) {
                src = assignScalarId(insn.src(), src);
                c.setReg(insn.dst(), src);
            } else if (src.isScalar()) {
                boolean noSext = Long.compareUnsigned(src.var().umax(), 1L << (off - 1)) < 0;
                if (noSext) {
                    src = assignScalarId(insn.src(), src);
                }
                Reg d = Reg.scalar(src.var().signExtend(off)).withId(noSext ? src.id() : 0).withOff(noSext ? src.off() : 0);
                c.setReg(insn.dst(), d);
            } else {
                c.setReg(insn.dst(), Reg.unknown());
            }
            return;
        }
        if (!src.isScalar()) {
            c.setReg(insn.dst(), Reg.scalar(Scalar.unknown32()));
            return;
        }
        if (off == 0) {
            boolean fits32 = Long.compareUnsigned(src.var().umax(), 0xffffffffL) <= 0;
            if (fits32) {
                src = assignScalarId(insn.src(), src);
            }
            c.setReg(insn.dst(), Reg.scalar(src.var().zeroExtend(4)).withId(fits32 ? src.id() : 0).withOff(fits32 ? src.off() : 0));
        } else {
            boolean noSext = Long.compareUnsigned(src.var().umax(), 1L << (off - 1)) < 0;
            if (noSext) {
                src = assignScalarId(insn.src(), src);
            }
            c.setReg(insn.dst(), Reg.scalar(src.var().signExtend32(off)).withId(noSext ? src.id() : 0)
                .withOff(noSext ? src.off() : 0));
        }
    }

    /** assign_scalar_id_before_mov: copies of an unknown scalar share an id so a later bound applies to both. */
    private Reg assignScalarId(int regno, Reg src) {
        if (src.isScalar() && src.id() == 0 && !src.var().isConstant()) {
            src = src.withId(c.newId());
            c.setReg(regno, src);
        }
        return src;
    }

    /** adjust_ptr_min_max_vals: {@code ptr op offReg}, where the pointer may be either operand. */
    private Reg pointerArith(Instruction insn, Reg ptr, Reg offReg, boolean scalarIsDst, boolean is64) {
        int dst = insn.dst();
        int op = insn.op();
        Scalar off = offReg.var();
        boolean known = off.isConstant();
        if (!is64) {
            if (op == BPF_SUB) {
                return Reg.unknown();
            }
            throw c.reject("R" + dst + " 32-bit pointer arithmetic prohibited");
        }
        if (ptr.nullable()) {
            throw c.reject("R" + dst + " pointer arithmetic on " + ptr.typeName() + " prohibited, null-check it first");
        }
        switch (ptr.type()) {
            case CTX, MAP_VALUE, MAP_KEY, STACK, PACKET_META, PACKET, MEM, RINGBUF_MEM, BUF, BTF_ID, TRUSTED_BTF_ID, FUNC:
                break;
            case FLOW_KEYS:
                if (known) {
                    break;
                }
                throw c.reject("R" + dst + " pointer arithmetic on " + ptr.typeName() + " prohibited");
            case CONST_MAP:
                if (known && off.smin() == 0 && op == BPF_ADD) {
                    break;
                }
                throw c.reject("R" + dst + " pointer arithmetic on " + ptr.typeName() + " prohibited");
            default:
                throw c.reject("R" + dst + " pointer arithmetic on " + ptr.typeName() + " prohibited");
        }
        checkSaneOffset(offReg.var(), 0, ptr);
        checkSaneOffset(ptr.var(), ptr.off(), ptr);
        Reg result;
        switch (op) {
            case BPF_ADD: {
                long sum = ptr.off() + off.smin();
                if (known && sum == (int) sum) {
                    result = ptr.withOff((int) sum);
                } else {
                    result = ptr.withVar(ptr.var().alu(BPF_ADD, off, true));
                    if (ptr.type().isPacket()) {
                        result = result.withId(c.newId()).withRange(0);
                    }
                }
                break;
            }
            case BPF_SUB: {
                if (scalarIsDst) {
                    throw c.reject("R" + dst + " tried to subtract pointer from scalar");
                }
                if (ptr.type() == RegType.STACK) {
                    throw c.reject("R" + dst + " subtraction from stack pointer prohibited");
                }
                long diff = ptr.off() - off.smin();
                if (known && diff == (int) diff) {
                    result = ptr.withOff((int) diff);
                } else {
                    result = ptr.withVar(ptr.var().alu(BPF_SUB, off, true));
                    if (ptr.type().isPacket()) {
                        result = result.withId(c.newId());
                        if (off.smin() < 0) {
                            result = result.withRange(0);
                        }
                    }
                }
                break;
            }
            case BPF_AND, BPF_OR, BPF_XOR:
                throw c.reject("R" + dst + " bitwise operator " + opString(op) + " on pointer prohibited");
            default:
                throw c.reject("R" + dst + " pointer arithmetic with " + opString(op) + " operator prohibited");
        }
        checkSaneOffset(result.var(), result.off(), result);
        return result;
    }

    /** check_reg_sane_offset: refuse offsets the kernel considers too large to reason about. */
    private void checkSaneOffset(Scalar v, int fixedOff, Reg ptr) {
        String name = ptr.typeName();
        if (v.isConstant() && (v.constantValue() >= MAX_VAR_OFF || v.constantValue() <= -MAX_VAR_OFF)) {
            throw c.reject("math between " + name + " pointer and " + v.constantValue() + " is not allowed");
        }
        if (fixedOff >= MAX_VAR_OFF || fixedOff <= -MAX_VAR_OFF) {
            throw c.reject(name + " pointer offset " + fixedOff + " is not allowed");
        }
        if (v.smin() == Long.MIN_VALUE) {
            throw c.reject("math between " + name + " pointer and register with unbounded min value is not allowed");
        }
        if (v.smin() >= MAX_VAR_OFF || v.smin() <= -MAX_VAR_OFF) {
            throw c.reject("value " + v.smin() + " makes " + name + " pointer be out of bounds");
        }
    }
}
