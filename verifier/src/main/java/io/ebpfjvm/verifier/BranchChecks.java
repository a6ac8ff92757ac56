package io.ebpfjvm.verifier;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.verifier.scalar.Branch;
import io.ebpfjvm.verifier.scalar.Refinement;
import io.ebpfjvm.verifier.scalar.Scalar;
import io.ebpfjvm.verifier.state.Reg;
import io.ebpfjvm.verifier.state.RegType;
import io.ebpfjvm.verifier.state.VerifierState;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Conditional jumps (the kernel's check_cond_jmp_op): decide the branch when the operands
 * allow, otherwise fork, refining scalars on both sides, lifting null checks onto every copy
 * of a maybe-null pointer, and widening packet ranges after comparisons with {@code data_end}.
 */
final class BranchChecks {
    private static final int MAX_PACKET_OFF = 0xffff;
    private final Checker c;

    BranchChecks(Checker c) {
        this.c = c;
    }

    void check(Instruction insn) {
        int op = insn.op();
        if (op > BPF_JSLE || op == BPF_CALL || op == BPF_EXIT) {
            throw c.reject("invalid BPF_JMP/JMP32 opcode " + Integer.toHexString(op));
        }
        boolean srcX = (insn.opcode() & BPF_X) != 0;
        boolean is32 = insn.cls() == BPF_JMP32;
        if (srcX) {
            if (insn.imm() != 0) {
                throw c.reject("BPF_JMP/JMP32 uses reserved fields");
            }
            c.readReg(insn.src());
        } else if (insn.src() != 0) {
            throw c.reject("BPF_JMP/JMP32 uses reserved fields");
        }
        Reg dst = c.readReg(insn.dst());
        Reg src = srcX ? c.regs()[insn.src()] : Reg.constant(is32 ? insn.imm() & 0xffffffffL : insn.imm());
        if (srcX && is32 && !src.isScalar()) {
            // 32-bit comparisons of pointers compare meaningless halves: nothing learned
        }
        int target = insn.jumpTarget(c.pc);
        Branch pred = branchTaken(dst, src, op, is32);
        if (pred == Branch.ALWAYS) {
            c.pc = target;
            return;
        }
        if (pred == Branch.NEVER) {
            c.pc = c.pc + 1;
            return;
        }
        VerifierState other = c.state.copy();
        Reg[] thisRegs = c.regs();
        Reg[] otherRegs = other.regs();
        if (dst.isScalar() && src.isScalar()) {
            Refinement r = Scalar.refine(op, dst.var(), src.var(), is32);
            thisRegs[insn.dst()] = dst.withVar(r.dstIfNotTaken());
            otherRegs[insn.dst()] = dst.withVar(r.dstIfTaken());
            if (srcX) {
                thisRegs[insn.src()] = src.withVar(r.srcIfNotTaken());
                otherRegs[insn.src()] = src.withVar(r.srcIfTaken());
                LinkedScalars.sync(c.state, thisRegs[insn.src()]);
                LinkedScalars.sync(other, otherRegs[insn.src()]);
            }
            LinkedScalars.sync(c.state, thisRegs[insn.dst()]);
            LinkedScalars.sync(other, otherRegs[insn.dst()]);
        }
        if (!is32 && srcX && src.isPointer() && dst.isPointer() && src.nullable() != dst.nullable()
            && (op == BPF_JEQ || op == BPF_JNE)) {
            Reg[] eq = op == BPF_JEQ ? otherRegs : thisRegs;
            int regno = src.nullable() ? insn.src() : insn.dst();
            eq[regno] = notNull(eq[regno]);
        }
        if (!is32 && !srcX && insn.imm() == 0 && (op == BPF_JEQ || op == BPF_JNE) && dst.isPointer() && dst.nullable()) {
            markPtrOrNull(c.state, dst, op == BPF_JNE);
            markPtrOrNull(other, dst, op == BPF_JEQ);
        } else if (srcX && !is32) {
            matchPacketPointers(op, insn, dst, src, c.state, other);
        }
        c.pushBranch(target, other);
        c.pc = c.pc + 1;
    }

    /** is_branch_taken, including pointer-vs-zero and pointer-vs-packet-end special cases. */
    private Branch branchTaken(Reg dst, Reg src, int op, boolean is32) {
        if (dst.type().isPacket() || dst.type() == RegType.PACKET_END) {
            if ((src.type().isPacket() || src.type() == RegType.PACKET_END) && !is32) {
                return packetBranchTaken(dst, src, op);
            }
        }
        if (dst.isPointer() || src.isPointer()) {
            Reg ptr = dst;
            Reg other = src;
            if (!(other.isScalar() && constFor(other, is32))) {
                ptr = src;
                other = dst;
                op = flip(op);
            }
            if (!(other.isScalar() && constFor(other, is32))) {
                return Branch.UNKNOWN;
            }
            if (!notNullType(ptr)) {
                return Branch.UNKNOWN;
            }
            long v = is32 ? other.var().constantValue() & 0xffffffffL : other.var().constantValue();
            if (v != 0) {
                return Branch.UNKNOWN;
            }
            return switch (op) {
                case BPF_JEQ -> Branch.NEVER;
                case BPF_JNE -> Branch.ALWAYS;
                default -> Branch.UNKNOWN;
            };
        }
        return Scalar.refine(op, dst.var(), src.var(), is32).outcome();
    }

    private static boolean constFor(Reg r, boolean is32) {
        return is32 ? r.var().isSubregConstant() : r.var().isConstant();
    }

    /** reg_not_null: pointer types that can never be null. */
    private static boolean notNullType(Reg r) {
        if (r.nullable()) {
            return false;
        }
        return switch (r.type()) {
            case SOCKET, TCP_SOCK, MAP_VALUE, MAP_KEY, SOCK_COMMON, TRUSTED_BTF_ID, MEM, RINGBUF_MEM -> true;
            default -> false;
        };
    }

    private static Branch packetBranchTaken(Reg dst, Reg src, int op) {
        Reg pkt;
        if (src.type() == RegType.PACKET_END) {
            pkt = dst;
        } else if (dst.type() == RegType.PACKET_END) {
            pkt = src;
            op = flip(op);
        } else {
            return Branch.UNKNOWN;
        }
        if (pkt.range() >= 0) {
            return Branch.UNKNOWN;
        }
        switch (op) {
            case BPF_JLE, BPF_JGT:
                if (pkt.range() == Reg.BEYOND_PKT_END) {
                    return op == BPF_JGT ? Branch.ALWAYS : Branch.NEVER;
                }
                break;
            case BPF_JLT, BPF_JGE:
                if (pkt.range() == Reg.BEYOND_PKT_END || pkt.range() == Reg.AT_PKT_END) {
                    return op == BPF_JGE ? Branch.ALWAYS : Branch.NEVER;
                }
                break;
            default:
                break;
        }
        return Branch.UNKNOWN;
    }

    static int flip(int op) {
        return switch (op) {
            case BPF_JGT -> BPF_JLT;
            case BPF_JLT -> BPF_JGT;
            case BPF_JGE -> BPF_JLE;
            case BPF_JLE -> BPF_JGE;
            case BPF_JSGT -> BPF_JSLT;
            case BPF_JSLT -> BPF_JSGT;
            case BPF_JSGE -> BPF_JSLE;
            case BPF_JSLE -> BPF_JSGE;
            default -> op;
        };
    }

    private static Reg notNull(Reg r) {
        return r.withNullable(false);
    }

    /** mark_ptr_or_null_regs: every copy of the checked pointer becomes null (a zero scalar) or non-null. */
    private void markPtrOrNull(VerifierState st, Reg checked, boolean isNull) {
        int id = checked.id();
        int ref = checked.refObjId();
        if (id == 0) {
            return;
        }
        if (isNull && ref != 0) {
            st.releaseRef(ref);
        }
        Checker.forEachReg(st, r -> {
            if (!r.isPointer() || !r.nullable() || r.id() != id) {
                return r;
            }
            if (isNull) {
                return Reg.constant(0);
            }
            Reg nn = r.withNullable(false);
            if (nn.type() == RegType.MAP_VALUE) {
                var map = c.map(nn.mapIndex());
                if (map != null && (map.type() == 12 || map.type() == 13)) {
                    nn = Reg.pointer(RegType.CONST_MAP).withMap(-2 - nn.mapIndex());
                }
            }
            // the id only served the null check; a reference keeps its ref_obj_id for release
            return nn.withId(0);
        });
    }

    /** try_match_pkt_pointers: what a comparison of a packet pointer with data_end (or meta with data) proves. */
    private void matchPacketPointers(int op, Instruction insn, Reg dst, Reg src, VerifierState taken0, VerifierState other) {
        // Normalise to "pkt REL end" with the relation holding on the taken branch.
        VerifierState fall = taken0;
        VerifierState taken = other;
        Reg pkt;
        int pktReg;
        int rel = op;
        if ((dst.type() == RegType.PACKET && src.type() == RegType.PACKET_END)
            || (dst.type() == RegType.PACKET_META && isInitPacket(src))) {
            pkt = dst;
            pktReg = insn.dst();
        } else if ((dst.type() == RegType.PACKET_END && src.type() == RegType.PACKET)
            || (isInitPacket(dst) && src.type() == RegType.PACKET_META)) {
            pkt = src;
            pktReg = insn.src();
            rel = flip(op);
        } else {
            return;
        }
        switch (rel) {
            case BPF_JGT -> {
                good(fall, pkt, false);
                markEnd(taken, pktReg, true);
            }
            case BPF_JLT -> {
                good(taken, pkt, true);
                markEnd(fall, pktReg, false);
            }
            case BPF_JGE -> {
                markEnd(taken, pktReg, false);
                good(fall, pkt, true);
            }
            case BPF_JLE -> {
                good(taken, pkt, false);
                markEnd(fall, pktReg, true);
            }
            default -> {
            }
        }
    }

    private static boolean isInitPacket(Reg r) {
        return r.type() == RegType.PACKET && r.off() == 0 && r.var().isConstant() && r.var().constantValue() == 0;
    }

    /** find_good_pkt_pointers: every pointer with the same id may now read {@code off} bytes. */
    private static void good(VerifierState st, Reg pkt, boolean rightOpen) {
        if (pkt.off() < 0 || (pkt.off() == 0 && rightOpen)) {
            return;
        }
        if (Long.compareUnsigned(pkt.var().umax(), MAX_PACKET_OFF) > 0 || pkt.var().umax() + pkt.off() > MAX_PACKET_OFF) {
            return;
        }
        int newRange = pkt.off() + (rightOpen ? 1 : 0);
        RegType t = pkt.type();
        int id = pkt.id();
        Checker.forEachReg(st, r -> r.type() == t && r.id() == id && r.range() >= 0 ? r.withRange(Math.max(r.range(), newRange))
            : (r.type() == t && r.id() == id ? r.withRange(newRange) : r));
    }

    private static void markEnd(VerifierState st, int regno, boolean beyond) {
        Reg r = st.regs()[regno];
        if (r.type() != RegType.PACKET) {
            return;
        }
        st.regs()[regno] = r.withRange(beyond ? Reg.BEYOND_PKT_END : Reg.AT_PKT_END);
    }
}
